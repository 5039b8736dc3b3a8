// @generated automatically by Diesel CLI.

pub mod sql_types {
    #[derive(diesel::query_builder::QueryId, Clone, diesel::sql_types::SqlType)]
    #[diesel(postgres_type(name = "tsvector", schema = "pg_catalog"))]
    pub struct Tsvector;
}

diesel::table! {
    api_tokens (id) {
        id -> Int8,
        user_id -> Int8,
        name -> Text,
        scope -> Text,
        token_hash -> Bytea,
        prefix -> Text,
        created_at -> Timestamptz,
        last_used_at -> Nullable<Timestamptz>,
        revoked_at -> Nullable<Timestamptz>,
        write_lsn -> Int8,
    }
}

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
    changes (id) {
        id -> Int8,
        thread_id -> Nullable<Int8>,
        event_id -> Nullable<Int8>,
        area -> Text,
        action -> Text,
        subject_id -> Nullable<Int8>,
        subject -> Text,
        rev_seq -> Nullable<Int4>,
        actor_id -> Int8,
        created_at -> Timestamptz,
        reason -> Text,
        before -> Nullable<Jsonb>,
        after -> Nullable<Jsonb>,
        minor -> Bool,
        patrolled_by -> Nullable<Int8>,
        patrolled_at -> Nullable<Timestamptz>,
        hidden_by -> Nullable<Int8>,
        hidden_at -> Nullable<Timestamptz>,
        hidden_reason -> Text,
        source_id -> Nullable<Int8>,
    }
}

diesel::table! {
    citations (id) {
        id -> Int8,
        thread_id -> Nullable<Int8>,
        owner_kind -> Text,
        owner_id -> Int8,
        paragraph -> Int4,
        number -> Int4,
        source_id -> Nullable<Int8>,
        event_id -> Nullable<Int8>,
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
    use diesel::sql_types::*;
    use super::sql_types::Tsvector;

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
        search -> Nullable<Tsvector>,
    }
}

diesel::table! {
    fanout_outbox (change_id) {
        change_id -> Int8,
        last_change_id -> Int8,
        change_count -> Int4,
        thread_ids -> Array<Int8>,
        audience -> Text,
        actor_id -> Int8,
        minor -> Bool,
        thread_pos -> Int4,
        after_user_id -> Int8,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    feed_tokens (user_id) {
        user_id -> Int8,
        token_hash -> Bytea,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    follows (user_id, thread_id) {
        user_id -> Int8,
        thread_id -> Int8,
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
    link_checks (id) {
        id -> Int8,
        source_id -> Int8,
        checked_at -> Timestamptz,
        url -> Text,
        status_code -> Nullable<Int4>,
        final_url -> Nullable<Text>,
        ok -> Bool,
        error -> Text,
        elapsed_ms -> Int4,
    }
}

diesel::table! {
    login_failures (throttle_key) {
        throttle_key -> Text,
        failures -> Int4,
        window_start -> Timestamptz,
        last_at -> Timestamptz,
    }
}

diesel::table! {
    matrix_cells (id) {
        id -> Int8,
        thread_id -> Int8,
        interpretation_id -> Int8,
        event_id -> Int8,
        assessment -> Text,
        note_md -> Text,
        note_html -> Text,
        version -> Int4,
        updated_by -> Int8,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    moderation_log (id) {
        id -> Int8,
        actor_id -> Int8,
        action -> Text,
        thread_id -> Nullable<Int8>,
        target_user_id -> Nullable<Int8>,
        change_id -> Nullable<Int8>,
        target -> Text,
        reason -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    notifications (id) {
        id -> Int8,
        user_id -> Int8,
        thread_id -> Int8,
        first_change_id -> Int8,
        last_change_id -> Int8,
        change_count -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        read_at -> Nullable<Timestamptz>,
        emailed_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    open_questions (id) {
        id -> Int8,
        thread_id -> Int8,
        position -> Int4,
        question -> Text,
        version -> Int4,
        answered_at -> Nullable<Timestamptz>,
        answer -> Text,
        question_html -> Text,
        touched_at -> Timestamptz,
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
        action -> Text,
        other_seq -> Nullable<Int4>,
        blame -> Nullable<Array<Nullable<Int4>>>,
        block_ends -> Nullable<Array<Nullable<Int4>>>,
        block_paragraphs -> Nullable<Array<Nullable<Int4>>>,
        claim_paragraphs -> Nullable<Array<Nullable<Int4>>>,
    }
}

diesel::table! {
    sessions (token_hash) {
        token_hash -> Bytea,
        user_id -> Int8,
        csrf_token -> Text,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
        write_lsn -> Int8,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::Tsvector;

    sources (id) {
        id -> Int8,
        title -> Text,
        url -> Nullable<Text>,
        publisher -> Text,
        published_on -> Nullable<Date>,
        kind -> Text,
        tier -> Text,
        created_by -> Int8,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        version -> Int4,
        link_status -> Text,
        last_checked_at -> Nullable<Timestamptz>,
        last_status_code -> Nullable<Int4>,
        final_url -> Nullable<Text>,
        check_error -> Text,
        failing_since -> Nullable<Timestamptz>,
        consecutive_failures -> Int4,
        next_check_at -> Timestamptz,
        lease_until -> Nullable<Timestamptz>,
        search -> Tsvector,
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
    thread_reads (user_id, thread_id) {
        user_id -> Int8,
        thread_id -> Int8,
        change_id -> Int8,
        seq -> Int4,
        status -> Text,
        stance -> Text,
        read_at -> Timestamptz,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::Tsvector;

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
        locked_at -> Nullable<Timestamptz>,
        locked_until -> Nullable<Timestamptz>,
        lock_reason -> Text,
        search -> Tsvector,
        stance_since -> Timestamptz,
        first_stance -> Text,
        substantive_at -> Nullable<Timestamptz>,
        substantive_seq -> Nullable<Int4>,
        stale_event_on -> Nullable<Date>,
        quiet_question_at -> Nullable<Timestamptz>,
        search_stale -> Bool,
    }
}

diesel::table! {
    users (id) {
        id -> Int8,
        username -> Text,
        password_hash -> Text,
        role -> Text,
        created_at -> Timestamptz,
        suspended_at -> Nullable<Timestamptz>,
        suspended_until -> Nullable<Timestamptz>,
        suspension_reason -> Text,
        email -> Nullable<Text>,
        digest -> Text,
        digest_sent_at -> Nullable<Timestamptz>,
        ratings_excluded_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    fairness_fits (id) {
        id -> Int8,
        fitted_at -> Timestamptz,
        ratings -> Int4,
        raters -> Int4,
        items -> Int4,
        last_change_seq -> Int8,
        global_intercept -> Float8,
        duration_ms -> Int4,
        seed -> Int8,
    }
}

diesel::table! {
    fairness_fitter (id) {
        id -> Bool,
        lease_until -> Nullable<Timestamptz>,
        holder -> Text,
    }
}

diesel::table! {
    fairness_ratings (id) {
        id -> Int8,
        user_id -> Int8,
        thread_id -> Int8,
        item_kind -> Text,
        item_id -> Int8,
        version -> Int4,
        value -> Int2,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        change_seq -> Int8,
    }
}

diesel::table! {
    fairness_scores (fit_id, item_kind, item_id, version) {
        fit_id -> Int8,
        thread_id -> Int8,
        item_kind -> Text,
        item_id -> Int8,
        version -> Int4,
        ratings -> Int4,
        intercept -> Float8,
        factor -> Float8,
        fair -> Bool,
        camps -> Jsonb,
    }
}

diesel::table! {
    reader_camps (user_id, thread_id) {
        user_id -> Int8,
        thread_id -> Int8,
        interpretation_id -> Nullable<Int8>,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    stance_proposals (id) {
        id -> Int8,
        thread_id -> Int8,
        proposer_id -> Int8,
        from_stance -> Text,
        to_stance -> Text,
        rationale_md -> Text,
        rationale_html -> Text,
        state -> Text,
        created_at -> Timestamptz,
        decided_by -> Nullable<Int8>,
        decided_at -> Nullable<Timestamptz>,
        decision_reason -> Text,
    }
}

diesel::joinable!(api_tokens -> users (user_id));
diesel::joinable!(fairness_ratings -> threads (thread_id));
diesel::joinable!(fairness_scores -> fairness_fits (fit_id));
diesel::joinable!(reader_camps -> interpretations (interpretation_id));
diesel::joinable!(reader_camps -> threads (thread_id));
diesel::joinable!(fairness_ratings -> users (user_id));
diesel::joinable!(reader_camps -> users (user_id));
diesel::joinable!(stance_proposals -> threads (thread_id));
diesel::joinable!(arc_periods -> threads (thread_id));
diesel::joinable!(citations -> events (event_id));
diesel::joinable!(citations -> sources (source_id));
diesel::joinable!(citations -> threads (thread_id));
diesel::joinable!(changes -> events (event_id));
diesel::joinable!(changes -> sources (source_id));
diesel::joinable!(changes -> threads (thread_id));
diesel::joinable!(controversies -> threads (thread_id));
diesel::joinable!(events -> users (created_by));
diesel::joinable!(feed_tokens -> users (user_id));
diesel::joinable!(follows -> threads (thread_id));
diesel::joinable!(follows -> users (user_id));
diesel::joinable!(interpretations -> threads (thread_id));
diesel::joinable!(link_checks -> sources (source_id));
diesel::joinable!(matrix_cells -> events (event_id));
diesel::joinable!(matrix_cells -> interpretations (interpretation_id));
diesel::joinable!(matrix_cells -> threads (thread_id));
diesel::joinable!(matrix_cells -> users (updated_by));
diesel::joinable!(moderation_log -> changes (change_id));
diesel::joinable!(moderation_log -> threads (thread_id));
diesel::joinable!(notifications -> threads (thread_id));
diesel::joinable!(notifications -> users (user_id));
diesel::joinable!(open_questions -> threads (thread_id));
diesel::joinable!(proponents -> interpretations (interpretation_id));
diesel::joinable!(revisions -> threads (thread_id));
diesel::joinable!(revisions -> users (author_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(sources -> users (created_by));
diesel::joinable!(thread_curators -> threads (thread_id));
diesel::joinable!(thread_curators -> users (user_id));
diesel::joinable!(thread_events -> events (event_id));
diesel::joinable!(thread_events -> threads (thread_id));
diesel::joinable!(thread_reads -> threads (thread_id));
diesel::joinable!(thread_reads -> users (user_id));
diesel::joinable!(threads -> users (created_by));

diesel::allow_tables_to_appear_in_same_query!(
    api_tokens,
    arc_periods,
    changes,
    citations,
    controversies,
    events,
    fairness_fits,
    fairness_fitter,
    fairness_ratings,
    fairness_scores,
    fanout_outbox,
    feed_tokens,
    follows,
    interpretations,
    link_checks,
    login_failures,
    matrix_cells,
    moderation_log,
    notifications,
    open_questions,
    proponents,
    reader_camps,
    revisions,
    sessions,
    sources,
    stance_proposals,
    thread_curators,
    thread_events,
    thread_reads,
    threads,
    users,
);
