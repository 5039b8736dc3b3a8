//! Notifications: followers hear about changes to followed threads, one notification per burst.

use agora::domain::roles::Role;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Int4, Text};
use reqwest::StatusCode;
use serde_json::json;

use crate::common::PASSWORD;
use crate::helpers::{TestApp, location, spawn_app};
use crate::pages::{assert_every_control_labelled, attrs, texts};

/// A notification row as the database holds it.
#[derive(Debug, Clone, QueryableByName)]
pub struct Row {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub slug: String,
    #[diesel(sql_type = Int4)]
    pub change_count: i32,
    #[diesel(sql_type = Bool)]
    pub unread: bool,
}

/// Every notification of `username`, oldest first, once the changes made so far have reached
/// their followers (the fan-out runs after the save commits).
pub async fn notifications_of(app: &TestApp, username: &str) -> Vec<Row> {
    app.fanned_out().await;
    let username = username.to_owned();
    app.query(move |c| {
        diesel::sql_query(
            "SELECT n.id, t.slug, n.change_count, n.read_at IS NULL AS unread FROM notifications n \
             JOIN users u ON u.id = n.user_id JOIN threads t ON t.id = n.thread_id \
             WHERE u.username = $1 ORDER BY n.id",
        )
        .bind::<Text, _>(username)
        .load(c)
        .unwrap()
    })
    .await
}

/// Saves the synthesis `n` times in a row as the logged-in curator, from revision `base`, and
/// waits until the saves' notifications reached the followers (the fan-out runs after commit).
pub async fn edit_synthesis(app: &TestApp, slug: &str, base: i32, n: i32) {
    save_synthesis_times(app, slug, base, n).await;
    app.fanned_out().await;
}

/// The saves of [`edit_synthesis`] alone, leaving their fan-out to whoever runs it (the outbox
/// tests count what waits in it).
pub async fn save_synthesis_times(app: &TestApp, slug: &str, base: i32, n: i32) {
    for i in 0..n {
        let res = app.save_synthesis(slug, base + i, &format!("Text number {}.", base + i + 1), "edit").await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "save {i}");
    }
}

/// A curator `cora` (logged in on `app`) with a thread, and readers `rita` (following it, logged
/// in on the returned browser) and `nick` (not following). Returns (slug, rita's browser).
async fn followed_thread(app: &TestApp) -> (String, TestApp) {
    app.login_as("cora", Role::Curator).await;
    let slug = app.create_thread("Is coffee good for you").await;
    let rita = app.another_browser();
    rita.login_as("rita", Role::Reader).await;
    app.user("nick", Role::Reader).await;
    app.follow("rita", &slug).await;
    // The actor following her own thread must not hear about her own changes.
    app.follow("cora", &slug).await;
    (slug, rita)
}

fn header_link(html: &str) -> (Vec<String>, Vec<String>) {
    (texts(html, "header a[href='/notifications']"), attrs(html, "header a[href='/notifications']", "aria-label"))
}

#[tokio::test]
async fn a_burst_of_edits_is_one_notification_for_each_follower_but_not_the_actor_or_others() {
    let app = spawn_app().await;
    let (slug, rita) = followed_thread(&app).await;

    edit_synthesis(&app, &slug, 0, 3).await;

    let rows = notifications_of(&app, "rita").await;
    assert_eq!(rows.len(), 1, "one notification for the burst: {rows:?}");
    assert_eq!((rows[0].slug.as_str(), rows[0].change_count, rows[0].unread), (slug.as_str(), 3, true));
    assert!(notifications_of(&app, "cora").await.is_empty(), "the actor is not notified of her own edits");
    assert!(notifications_of(&app, "nick").await.is_empty(), "a reader who does not follow hears nothing");

    let page = rita.page("/notifications").await;
    assert_eq!(texts(&page, "li.notification a"), ["Is coffee good for you"]);
    assert_eq!(attrs(&page, "li.notification a", "href"), [format!("/threads/{slug}")]);
    assert_eq!(texts(&page, "li.notification .count"), ["3 changes"]);
    assert_eq!(texts(&page, "li.notification .by"), ["by cora"]);
    assert_eq!(texts(&page, "li.notification .state"), ["(unread)"]);
    assert_eq!(header_link(&page), (vec!["Notifications (1)".to_owned()], vec!["Notifications, 1 unread".to_owned()]));
    assert_every_control_labelled(&page);
    assert_eq!(texts(&page, "li.notification button"), ["Mark as read"]);
    assert_eq!(texts(&page, "form[action='/notifications/read-all'] button"), ["Mark all as read"]);

    // The header count shows on every page, and is zero for the actor.
    let (text, _) = header_link(&rita.page("/").await);
    assert_eq!(text, ["Notifications (1)"]);
    let (text, label) = header_link(&app.page("/").await);
    assert_eq!((text, label), (vec!["Notifications (0)".to_owned()], vec!["Notifications, 0 unread".to_owned()]));
}

#[tokio::test]
async fn after_marking_read_the_next_change_opens_a_new_notification_and_nothing_is_lost() {
    let app = spawn_app().await;
    let (slug, rita) = followed_thread(&app).await;
    edit_synthesis(&app, &slug, 0, 2).await;
    let first = notifications_of(&app, "rita").await[0].id;

    let res = rita.post_form(&format!("/notifications/{first}/read"), &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/notifications");
    let rows = notifications_of(&app, "rita").await;
    assert_eq!((rows.len(), rows[0].unread, rows[0].change_count), (1, false, 2), "read, kept, count intact");
    assert_eq!(header_link(&rita.page("/").await).0, ["Notifications (0)"]);

    edit_synthesis(&app, &slug, 2, 1).await;
    let rows = notifications_of(&app, "rita").await;
    assert_eq!(rows.len(), 2, "a new notification: {rows:?}");
    assert_eq!((rows[1].change_count, rows[1].unread), (1, true));

    let page = rita.page("/notifications").await;
    assert_eq!(texts(&page, "li.notification .count"), ["1 change", "2 changes"], "newest first");
    assert_eq!(texts(&page, "li.notification .state"), ["(unread)", "(read)"]);
    assert_eq!(texts(&page, "li.notification button").len(), 1, "only the unread one has a button");

    // Marking it read twice is harmless; "Mark all as read" clears the rest.
    let again = rita.post_form(&format!("/notifications/{first}/read"), &[]).await;
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    let res = rita.post_form("/notifications/read-all", &[]).await;
    assert_eq!((res.status(), location(&res)), (StatusCode::SEE_OTHER, "/notifications".to_owned()));
    assert!(notifications_of(&app, "rita").await.iter().all(|r| !r.unread));
    assert_eq!(notifications_of(&app, "rita").await.len(), 2);
}

#[tokio::test]
async fn minor_edits_open_no_notification_but_count_into_an_open_one() {
    let app = spawn_app().await;
    let (slug, _rita) = followed_thread(&app).await;
    let minor = |base: &'static str, body: &'static str| {
        let app = app.clone();
        let slug = slug.clone();
        async move {
            let fields = [("base_seq", base), ("body", body), ("summary", "typo"), ("minor", "true")];
            let res = app.post_form(&format!("/threads/{slug}/synthesis"), &fields).await;
            assert_eq!(res.status(), StatusCode::SEE_OTHER, "minor save");
        }
    };
    minor("0", "Typo fixed.").await;
    assert!(notifications_of(&app, "rita").await.is_empty(), "a minor edit alone pings nobody");
    edit_synthesis(&app, &slug, 1, 1).await;
    minor("2", "Another typo fixed.").await;
    let rows = notifications_of(&app, "rita").await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].change_count, 2, "the minor edit joins the open notification");
}

#[tokio::test]
async fn editing_an_event_notifies_the_followers_of_every_thread_linking_it() {
    let app = spawn_app().await;
    app.login_as("cora", Role::Curator).await;
    let first = app.create_thread("First thread").await;
    let second = app.create_thread("Second thread").await;
    let unrelated = app.create_thread("Unrelated thread").await;
    for name in ["rita", "nick", "olga"] {
        app.user(name, Role::Reader).await;
    }
    let fields = [("date", "2024-07-23"), ("title", "A summit"), ("significance", "major"), ("body", "")];
    let res = app.post_form(&format!("/threads/{first}/events"), &fields).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let event: i64 = app
        .query(|c| {
            use agora::db::schema::events::dsl::*;
            events.select(id).first(c).unwrap()
        })
        .await;
    let res = app.post_form(&format!("/threads/{second}/events/link"), &[("event_id", &event.to_string())]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    app.follow("rita", &first).await;
    app.follow("nick", &second).await;
    app.follow("olga", &unrelated).await;

    let edit = [("date", "2024-07-24"), ("title", "A summit, moved"), ("significance", "major"), ("body", "")];
    let res = app.post_form(&format!("/events/{event}"), &edit).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    let rita = notifications_of(&app, "rita").await;
    let nick = notifications_of(&app, "nick").await;
    assert_eq!((rita.len(), rita[0].slug.as_str(), rita[0].change_count), (1, first.as_str(), 1));
    assert_eq!((nick.len(), nick[0].slug.as_str(), nick[0].change_count), (1, second.as_str(), 1));
    assert!(notifications_of(&app, "olga").await.is_empty());
}

#[tokio::test]
async fn nobody_can_mark_someone_elses_notification_read() {
    let app = spawn_app().await;
    let (slug, _rita) = followed_thread(&app).await;
    edit_synthesis(&app, &slug, 0, 1).await;
    let id = notifications_of(&app, "rita").await[0].id;
    let nick = app.another_browser();
    assert_eq!(nick.login("nick", PASSWORD).await.status(), StatusCode::SEE_OTHER);

    assert_eq!(nick.post_form(&format!("/notifications/{id}/read"), &[]).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(nick.post_form("/notifications/999999/read", &[]).await.status(), StatusCode::NOT_FOUND);
    let res = nick.post_json("/api/v1/notifications/read", &json!({ "ids": [id] })).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.json::<serde_json::Value>().await.unwrap()["marked"], 0);
    let res = nick.post_json("/api/v1/notifications/read", &json!({ "all": true })).await;
    assert_eq!(res.json::<serde_json::Value>().await.unwrap()["marked"], 0);
    assert!(notifications_of(&app, "rita").await[0].unread, "rita's notification is untouched");

    // Logged out, the page asks to log in.
    let anonymous = app.another_browser();
    let res = anonymous.get("/notifications").await;
    assert!(matches!(res.status(), StatusCode::SEE_OTHER | StatusCode::UNAUTHORIZED), "{}", res.status());
}

#[tokio::test]
async fn the_thread_page_helper_marks_that_threads_notification_read() {
    let app = spawn_app().await;
    let (slug, _rita) = followed_thread(&app).await;
    edit_synthesis(&app, &slug, 0, 1).await;
    app.fanned_out().await;
    let s = slug.clone();
    let marked = app
        .query(move |c| {
            use agora::db::notifications::mark_thread_read;
            use agora::domain::ids::{ThreadId, UserId};
            let rita = agora::db::users::by_username(c, "rita").unwrap().unwrap().id;
            let thread = agora::db::threads::by_slug(c, &s).unwrap().id;
            (
                mark_thread_read(c, UserId(rita), ThreadId(thread)).unwrap(),
                mark_thread_read(c, UserId(rita), ThreadId(thread)).unwrap(),
            )
        })
        .await;
    assert_eq!(marked, (true, false));
    assert!(!notifications_of(&app, "rita").await[0].unread);
}

#[tokio::test]
async fn the_api_lists_pages_and_marks_notifications() {
    let app = spawn_app().await;
    let (slug, rita) = followed_thread(&app).await;
    edit_synthesis(&app, &slug, 0, 2).await;
    assert_eq!(app.another_browser().get("/api/v1/notifications").await.status(), StatusCode::UNAUTHORIZED);

    let list = rita.get_json("/api/v1/notifications", StatusCode::OK).await;
    assert_eq!(list["unread"], 1);
    let item = &list["notifications"][0];
    assert_eq!(item["thread"]["slug"], slug.as_str());
    assert_eq!(item["thread"]["url"], format!("http://agora.test/threads/{slug}"));
    assert_eq!((item["change_count"].as_i64(), item["read"].as_bool()), (Some(2), Some(false)));
    assert_eq!(item["actors"], json!(["cora"]));
    assert!(list.get("next_cursor").is_none());
    let id = item["id"].as_i64().unwrap();

    for bad in [json!({}), json!({ "ids": [id], "all": true }), json!({ "all": false })] {
        let res = rita.post_json("/api/v1/notifications/read", &bad).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert!(res.json::<serde_json::Value>().await.unwrap()["error"].is_string());
    }
    let res = rita.post_json("/api/v1/notifications/read", &json!({ "ids": [id], "extra": 1 })).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(rita.get_json("/api/v1/notifications", StatusCode::OK).await["unread"], 1, "nothing marked yet");

    let res = rita.post_json("/api/v1/notifications/read", &json!({ "ids": [id] })).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.json::<serde_json::Value>().await.unwrap(), json!({ "marked": 1, "unread": 0 }));

    // Keyset paging over 34 older, read notifications of the same thread plus the open one.
    edit_synthesis(&app, &slug, 2, 1).await;
    let s = slug.clone();
    app.query(move |c| {
        diesel::sql_query(
            "INSERT INTO notifications (user_id, thread_id, first_change_id, last_change_id, updated_at, read_at) \
             SELECT u.id, t.id, c.id, c.id, now() - make_interval(mins => g), now() \
             FROM users u, threads t, generate_series(1, 34) g, \
                  (SELECT max(id) AS id FROM changes) c \
             WHERE u.username = 'rita' AND t.slug = $1",
        )
        .bind::<Text, _>(s)
        .execute(c)
        .unwrap()
    })
    .await;
    let first = rita.get_json("/api/v1/notifications", StatusCode::OK).await;
    let page_one = first["notifications"].as_array().unwrap();
    assert_eq!(page_one.len(), 30);
    assert_eq!(page_one[0]["read"], false, "the open notification has the newest activity");
    let cursor = first["next_cursor"].as_str().expect("a next page").to_owned();
    let second = rita.get_json(&format!("/api/v1/notifications?after={cursor}"), StatusCode::OK).await;
    let page_two = second["notifications"].as_array().unwrap();
    assert_eq!(page_two.len(), 6, "36 in all");
    assert!(second.get("next_cursor").is_none());
    let mut ids: Vec<i64> = page_one.iter().chain(page_two).map(|n| n["id"].as_i64().unwrap()).collect();
    let times: Vec<String> =
        page_one.iter().chain(page_two).map(|n| n["updated_at"].as_str().unwrap().to_owned()).collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first across pages");
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 36, "no notification twice");
    assert_eq!(rita.get("/api/v1/notifications?after=garbage").await.status(), StatusCode::BAD_REQUEST);
    // The HTML page pages the same way.
    let html = rita.page("/notifications").await;
    assert_eq!(texts(&html, "li.notification").len(), 30);
    let next = attrs(&html, "a[rel=next]", "href");
    assert_eq!(texts(&rita.page(&next[0]).await, "li.notification").len(), 6);
}
