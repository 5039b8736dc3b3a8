//! Newtype ids, so a thread id cannot be passed where a user id belongs.

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// A user account.
    UserId
);
id_type!(
    /// A contested-topic thread.
    ThreadId
);
id_type!(
    /// An event shared across threads.
    EventId
);
id_type!(
    /// A source (a document, dataset, law, essay…) shared across threads.
    SourceId
);
id_type!(
    /// A cell of a thread's interpretation × event matrix.
    MatrixCellId
);
id_type!(
    /// A proposal to change a thread's stance label.
    ProposalId
);
