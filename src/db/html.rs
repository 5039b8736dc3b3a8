//! The SQL mapping of `SafeHtml`: it is stored in, and read from, `Text` columns (`*_html`).
//!
//! The type is `domain`'s and stays free of diesel; the mapping lives here, with the rest of
//! what the database knows. Reading goes through `SafeHtml::from_stored`: those columns only
//! ever receive the sanitizer's output.

use diesel::deserialize::{self, FromSql, Queryable};
use diesel::expression::AsExpression;
use diesel::pg::{Pg, PgValue};
use diesel::sql_types::Text;

use crate::domain::html::SafeHtml;

impl FromSql<Text, Pg> for SafeHtml {
    fn from_sql(bytes: PgValue<'_>) -> deserialize::Result<Self> {
        <String as FromSql<Text, Pg>>::from_sql(bytes).map(SafeHtml::from_stored)
    }
}

/// A `SafeHtml` column selected on its own or in a tuple.
impl Queryable<Text, Pg> for SafeHtml {
    type Row = Self;

    fn build(row: Self) -> deserialize::Result<Self> {
        Ok(row)
    }
}

/// `table::body_html.eq(&html)`: bound as the text it holds.
impl<'a> AsExpression<Text> for &'a SafeHtml {
    type Expression = <&'a str as AsExpression<Text>>::Expression;

    fn as_expression(self) -> Self::Expression {
        <&'a str as AsExpression<Text>>::as_expression(self.as_str())
    }
}
