//! A query put together from fixed SQL pieces (查询拼装): each value goes
//! in as a numbered parameter (`$n`, the same on SQLite and PostgreSQL),
//! never into the text. For searches whose filters come and go.

use super::StoreResult;
use app::features::paging::{ListPage, PageRequest};

/// A query's text and its parameters, numbered as they are added.
#[derive(Default)]
pub(super) struct Sql {
    pub(super) text: String,
    args: Vec<Arg>,
}

pub(super) enum Arg {
    I(i64),
    S(String),
}

impl Sql {
    /// Adds a parameter and answers its placeholder (`$n`).
    pub(super) fn arg(&mut self, arg: Arg) -> String {
        self.args.push(arg);
        format!("${}", self.args.len())
    }

    pub(super) fn push(&mut self, text: &str) {
        self.text.push_str(text);
    }

    pub(super) fn query(&self) -> sqlx::query::Query<'_, sqlx::Any, sqlx::any::AnyArguments<'_>> {
        self.args
            .iter()
            .fold(sqlx::query(&self.text), |q, arg| match arg {
                Arg::I(i) => q.bind(*i),
                Arg::S(s) => q.bind(s.as_str()),
            })
    }

    pub(super) fn query_as<T>(
        &self,
    ) -> sqlx::query::QueryAs<'_, sqlx::Any, T, sqlx::any::AnyArguments<'_>>
    where
        T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow>,
    {
        self.args
            .iter()
            .fold(sqlx::query_as(&self.text), |q, arg| match arg {
                Arg::I(i) => q.bind(*i),
                Arg::S(s) => q.bind(s.as_str()),
            })
    }

    /// `(..., ...)` of the ids, as parameters.
    pub(super) fn id_list(&mut self, ids: &[i64]) -> String {
        let marks: Vec<String> = ids.iter().map(|id| self.arg(Arg::I(*id))).collect();
        format!("({})", marks.join(", "))
    }
}

/// One page of a search: counted by `count`, kept within the list; the
/// page's ids picked by `ids` in `order` (ending on the id, so pages are
/// stable; a narrow sort), then its rows read by `outer` (`SELECT … WHERE
/// id IN`) in the same order. `outer` may name the first parameters of `ids`.
pub(super) async fn search_page<R, T>(
    pool: &sqlx::AnyPool,
    count: Sql,
    mut ids: Sql,
    outer: &str,
    order: &str,
    page: PageRequest,
    into: fn(R) -> StoreResult<T>,
) -> StoreResult<ListPage<T>>
where
    R: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
{
    let total: i64 = sqlx::Row::try_get(&count.query().fetch_one(pool).await?, 0)?;
    let page = page.within(total);
    ids.push(order);
    let (limit, offset) = (
        ids.arg(Arg::I(page.limit())),
        ids.arg(Arg::I(page.offset())),
    );
    ids.push(&format!(" LIMIT {limit} OFFSET {offset}"));
    ids.text = format!("{outer} ({}){order}", ids.text);
    let found: Vec<R> = ids.query_as().fetch_all(pool).await?;
    let items = found
        .into_iter()
        .map(into)
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(ListPage::new(items, total, page))
}

/// The next `limit` rows of a search after `after` by `id_column` (an
/// export's chunk: keyset, so no row is read twice or skipped).
pub(super) async fn chunk_after<R, T>(
    pool: &sqlx::AnyPool,
    mut sql: Sql,
    id_column: &str,
    after: i64,
    limit: i64,
    into: fn(R) -> StoreResult<T>,
) -> StoreResult<Vec<T>>
where
    R: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
{
    let (after, limit) = (sql.arg(Arg::I(after)), sql.arg(Arg::I(limit)));
    sql.push(&format!(
        " AND {id_column} > {after} ORDER BY {id_column} LIMIT {limit}"
    ));
    let rows: Vec<R> = sql.query_as().fetch_all(pool).await?;
    rows.into_iter().map(into).collect()
}
