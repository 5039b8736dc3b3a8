// @generated automatically by Diesel CLI.

diesel::table! {
    arc_periods (id) {
        id -> Int8,
        thread_id -> Int8,
        position -> Int4,
        label -> Text,
        title -> Text,
        body_md -> Text,
        body_html -> Text,
        version -> Int4,
    }
}

diesel::table! {
    controversies (id) {
        id -> Int8,
        thread_id -> Int8,
        position -> Int4,
        title -> Text,
        body_md -> Text,
        body_html -> Text,
        version -> Int4,
    }
}

diesel::table! {
    events (id) {
        id -> Int8,
        occurred_on -> Date,
        title -> Text,
        significance -> Text,
        url -> Nullable<Text>,
        body_md -> Text,
        body_html -> Text,
        created_by -> Int8,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    interpretations (id) {
        id -> Int8,
        thread_id -> Int8,
        position -> Int4,
        title -> Text,
        body_md -> Text,
        body_html -> Text,
        version -> Int4,
    }
}

diesel::table! {
    login_failures (throttle_key) {
        throttle_key -> Text,
        failures -> Int4,
        window_start -> Timestamptz,
    }
}

diesel::table! {
    open_questions (id) {
        id -> Int8,
        thread_id -> Int8,
        position -> Int4,
        question -> Text,
        version -> Int4,
    }
}

diesel::table! {
    proponents (id) {
        id -> Int8,
        interpretation_id -> Int8,
        position -> Int4,
        name -> Text,
    }
}

diesel::table! {
    revisions (id) {
        id -> Int8,
        thread_id -> Int8,
        seq -> Int4,
        parent_seq -> Nullable<Int4>,
        author_id -> Int8,
        created_at -> Timestamptz,
        summary -> Text,
        body_md -> Text,
        body_html -> Text,
        body_len -> Int4,
        body_sha256 -> Text,
        reverted_to_seq -> Nullable<Int4>,
        minor -> Bool,
    }
}

diesel::table! {
    sessions (token_hash) {
        token_hash -> Bytea,
        user_id -> Int8,
        csrf_token -> Text,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
    }
}

diesel::table! {
    thread_curators (thread_id, user_id) {
        thread_id -> Int8,
        user_id -> Int8,
        added_at -> Timestamptz,
    }
}

diesel::table! {
    thread_events (thread_id, event_id) {
        thread_id -> Int8,
        event_id -> Int8,
    }
}

diesel::table! {
    threads (id) {
        id -> Int8,
        slug -> Text,
        title -> Text,
        framing_question -> Text,
        status -> Text,
        stance -> Text,
        created_by -> Int8,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        head_seq -> Int4,
        version -> Int8,
    }
}

diesel::table! {
    users (id) {
        id -> Int8,
        username -> Text,
        password_hash -> Text,
        role -> Text,
        created_at -> Timestamptz,
    }
}

diesel::joinable!(arc_periods -> threads (thread_id));
diesel::joinable!(controversies -> threads (thread_id));
diesel::joinable!(events -> users (created_by));
diesel::joinable!(interpretations -> threads (thread_id));
diesel::joinable!(open_questions -> threads (thread_id));
diesel::joinable!(proponents -> interpretations (interpretation_id));
diesel::joinable!(revisions -> threads (thread_id));
diesel::joinable!(revisions -> users (author_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(thread_curators -> threads (thread_id));
diesel::joinable!(thread_curators -> users (user_id));
diesel::joinable!(thread_events -> events (event_id));
diesel::joinable!(thread_events -> threads (thread_id));
diesel::joinable!(threads -> users (created_by));

diesel::allow_tables_to_appear_in_same_query!(
    arc_periods,
    controversies,
    events,
    interpretations,
    login_failures,
    open_questions,
    proponents,
    revisions,
    sessions,
    thread_curators,
    thread_events,
    threads,
    users,
);
