//! The portable batch insert (批量写入) the demo loader writes with: one
//! multi-row INSERT per hundred rows, the same SQL for SQLite and PostgreSQL.

/// The transaction the whole demo registry is loaded in.
pub(super) type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// A bound value for the portable batch insert.
#[derive(Clone)]
pub(super) enum V {
    I(i64),
    S(String),
    NullS,
}

pub(super) fn s(v: impl Into<String>) -> V {
    V::S(v.into())
}

pub(super) fn opt_s(v: Option<String>) -> V {
    v.map(V::S).unwrap_or(V::NullS)
}

/// Multi-row INSERT in batches of 100 rows.
pub(super) async fn insert(
    tx: &mut Tx,
    table: &str,
    columns: &[&str],
    rows: &[Vec<V>],
) -> Result<(), sqlx::Error> {
    for chunk in rows.chunks(100) {
        let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
        let mut n = 0;
        for (r, row) in chunk.iter().enumerate() {
            if r > 0 {
                sql.push_str(", ");
            }
            sql.push('(');
            for c in 0..row.len() {
                if c > 0 {
                    sql.push_str(", ");
                }
                n += 1;
                sql.push_str(&format!("${n}"));
            }
            sql.push(')');
        }
        let mut q = sqlx::query(&sql);
        for row in chunk {
            for v in row {
                q = match v {
                    V::I(i) => q.bind(*i),
                    V::S(s) => q.bind(s.clone()),
                    V::NullS => q.bind(None::<String>),
                };
            }
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}
