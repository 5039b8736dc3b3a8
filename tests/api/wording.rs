//! Pages and feeds speak words, not codes: a stance change reads "from contested to emerging
//! consensus", a revision is measured in paragraphs, and every date on a page is written one way
//! inside a `<time>` that names the exact moment.

use agora::domain::roles::Role;
use atom_syndication::Feed;
use reqwest::StatusCode;

use crate::helpers::spawn_app;
use crate::pages::{assert_words_not_codes, texts};

const DETAILS: [(&str, &str); 5] = [
    ("title", "Open weights"),
    ("framing_question", "Is it so?"),
    ("status", "dormant"),
    ("stance", "emerging_consensus"),
    ("reason", ""),
];

#[tokio::test]
async fn changes_read_as_words_in_lists_feeds_and_pages_with_dates_in_time_elements() {
    let curator = spawn_app().await;
    curator.login_as("cora", Role::Curator).await;
    let slug = curator.create_thread("Open weights").await;
    curator.save_synthesis_ok(&slug, 0, "Alpha one.\n\nBeta two.\n\nGamma three.", "first").await;
    let reader = curator.another_browser();
    reader.login_as("rita", Role::Reader).await;
    reader.post_form(&format!("/threads/{slug}/follow"), &[]).await;
    reader.page(&format!("/threads/{slug}")).await;

    // Two paragraphs rewritten, an event linked, then the status moved, and the stance by a
    // proposal a moderator approved.
    curator.save_synthesis_ok(&slug, 1, "Alpha one, rewritten.\n\nBeta two.\n\nGamma three, rewritten.", "two").await;
    curator.add_event(&slug, "2025-01-20", "DeepSeek R1", "landmark").await;
    assert_eq!(curator.post_form(&format!("/threads/{slug}/edit"), &DETAILS).await.status(), StatusCode::SEE_OTHER);
    curator.move_stance_through_a_proposal(&slug, "emerging_consensus").await;

    let history = curator.page(&format!("/threads/{slug}/history")).await;
    let rows = texts(&history, "tr, li").join("\n");
    assert!(rows.contains("proposed changing the stance from contested to emerging consensus"), "{rows}");
    assert!(
        rows.contains("approved the stance change from contested to emerging consensus proposed by cora"),
        "{rows}"
    );
    assert!(rows.contains("changed the status from active to dormant"), "{rows}");
    assert!(rows.contains("(2 paragraphs)"), "a revision is measured in paragraphs: {rows}");
    assert!(!history.contains(" bytes)"), "no byte counts");

    let body = curator.get(&format!("/threads/{slug}/feed.atom")).await.bytes().await.unwrap();
    let feed = Feed::read_from(&body[..]).unwrap();
    let contents: Vec<String> =
        feed.entries.iter().filter_map(|e| e.content.as_ref().and_then(|c| c.value.clone())).collect();
    let all = contents.join("\n");
    assert!(all.contains("Synthesis revised (2 paragraphs)."), "{all}");
    assert!(all.contains("Synthesis revised (3 paragraphs)."), "the first revision wrote all three: {all}");
    assert!(all.contains("stance: contested → emerging consensus"), "{all}");
    assert!(!all.contains("emerging_consensus") && !all.contains("bytes"), "{all}");
    let titles: Vec<&str> = feed.entries.iter().map(|e| e.title.value.as_str()).collect();
    assert!(
        titles.contains(&"mona approved the stance change from contested to emerging consensus proposed by cora"),
        "{titles:?}"
    );

    reader.fanned_out().await;
    let notifications = reader.page("/notifications").await;
    assert_eq!(
        texts(&notifications, ".notification .latest"),
        ["mona approved the stance change from contested to emerging consensus proposed by cora"],
        "the notification says what its latest change was"
    );

    for (browser, path) in [
        (&reader, format!("/threads/{slug}")),
        (&reader, "/notifications".to_owned()),
        (&reader, "/following".to_owned()),
        (&curator, format!("/threads/{slug}/history")),
        (&curator, "/recent".to_owned()),
        (&curator, "/users/cora".to_owned()),
        (&curator, format!("/threads/{slug}/revisions/2")),
        (&curator, format!("/threads/{slug}/stance")),
        (&curator, "/events".to_owned()),
        (&curator, "/search?q=weights".to_owned()),
        (&curator, format!("/threads/{slug}/events/link?q=deepseek")),
    ] {
        let html = browser.page(&path).await;
        assert_words_not_codes(&html, &path);
    }
    let thread = reader.page(&format!("/threads/{slug}")).await;
    assert!(
        texts(&thread, ".since p")
            .join(" ")
            .contains("stance changed from contested to emerging consensus, approved by mona"),
        "{thread}"
    );
}
