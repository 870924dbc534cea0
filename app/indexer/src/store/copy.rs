//! PostgreSQL's ingest: a batch goes in through COPY (one stream per table, no statement to
//! parse, no parameter to bind). Rows that replace older ones (positions, stakes) and the
//! tickets a batch closes or hands on are copied into the session's staging tables (emptied at
//! every commit) and applied from there by one statement each.
use sqlx::PgConnection;
use sqlx::postgres::{PgPool, PgPoolOptions};

use super::ingest::{Batch, EVENTS, POSITIONS, Param, STAKE_CHANGES, STAKES, TICKETS, Table};
use super::{StoreError, StoreResult};

/// The staging tables, one set per connection (temporary: each session has its own).
const STAGING: [&str; 4] = [
    "CREATE TEMP TABLE positions_in (LIKE positions) ON COMMIT DELETE ROWS",
    "CREATE TEMP TABLE diem_stakes_in (LIKE diem_stakes) ON COMMIT DELETE ROWS",
    "CREATE TEMP TABLE tickets_closed_in (ticket TEXT NOT NULL) ON COMMIT DELETE ROWS",
    "CREATE TEMP TABLE tickets_owner_in (ticket TEXT NOT NULL, owner TEXT NOT NULL) ON COMMIT DELETE ROWS",
];

/// The connections the ingest copies through (the store's other work stays on its `Any` pool):
/// two, as only one writer commits at a time. Opened after the migrations, which the staging
/// tables copy their columns from.
pub(super) async fn copier(url: &str) -> StoreResult<PgPool> {
    Ok(PgPoolOptions::new()
        .max_connections(2)
        .acquire_timeout(std::time::Duration::from_secs(30))
        .after_connect(|conn, _| {
            Box::pin(async move {
                for table in STAGING {
                    sqlx::query(table).execute(&mut *conn).await?;
                }
                Ok(())
            })
        })
        .connect(url)
        .await?)
}

impl Batch {
    /// Writes the batch through COPY, in the caller's transaction.
    pub(super) async fn copy(self, conn: &mut PgConnection) -> StoreResult<()> {
        copy_in(conn, EVENTS.name, EVENTS.columns, &self.events).await?;
        upsert(conn, &POSITIONS, "positions_in", &self.positions).await?;
        upsert(conn, &STAKES, "diem_stakes_in", &self.stakes).await?;
        copy_in(conn, STAKE_CHANGES.name, STAKE_CHANGES.columns, &self.changes).await?;
        // As the statements do: closed tickets leave, handed-on ones change owner, then the
        // tickets opened (and still open) in the batch arrive.
        let tickets = self.tickets;
        if !tickets.closed.is_empty() {
            let closed: Vec<[Param; 1]> = tickets.closed.into_iter().map(|t| [Param::Text(t)]).collect();
            copy_in(conn, "tickets_closed_in", "ticket", &closed).await?;
            sqlx::query("DELETE FROM tickets USING tickets_closed_in c WHERE tickets.ticket = c.ticket")
                .execute(&mut *conn)
                .await?;
        }
        if !tickets.new_owners.is_empty() {
            let moved: Vec<[Param; 2]> =
                tickets.new_owners.into_iter().map(|(t, o)| [Param::Text(t), Param::Text(o)]).collect();
            copy_in(conn, "tickets_owner_in", "ticket, owner", &moved).await?;
            sqlx::query("UPDATE tickets SET owner = n.owner FROM tickets_owner_in n WHERE tickets.ticket = n.ticket")
                .execute(&mut *conn)
                .await?;
        }
        let opened: Vec<[Param; 7]> = tickets.opened.into_values().collect();
        copy_in(conn, TICKETS.name, TICKETS.columns, &opened).await
    }
}

/// Rows that may replace existing ones: copied to `staging`, then inserted with the table's
/// conflict clause.
async fn upsert<const N: usize>(
    conn: &mut PgConnection,
    table: &Table,
    staging: &str,
    rows: &[[Param; N]],
) -> StoreResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    copy_in(conn, staging, table.columns, rows).await?;
    let sql = format!(
        "INSERT INTO {} ({cols}) SELECT {cols} FROM {staging}{}",
        table.name,
        table.on_conflict,
        cols = table.columns
    );
    sqlx::query(&sql).execute(&mut *conn).await?;
    Ok(())
}

/// The largest piece of COPY data sent at once (the stream is one COPY either way).
const PIECE: usize = 1 << 20;

async fn copy_in<const N: usize>(
    conn: &mut PgConnection,
    table: &str,
    columns: &str,
    rows: &[[Param; N]],
) -> StoreResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let data = copy_text(rows);
    let mut copy = conn.copy_in_raw(&format!("COPY {table} ({columns}) FROM STDIN")).await?;
    for piece in data.chunks(PIECE) {
        copy.send(piece).await?;
    }
    let copied = copy.finish().await?;
    if copied != rows.len() as u64 {
        return Err(StoreError::Database(sqlx::Error::Protocol(format!(
            "COPY {table}: {copied} rows taken of {}",
            rows.len()
        ))));
    }
    Ok(())
}

/// Rows in COPY's text format: tab between columns, newline after each row, `\N` for NULL,
/// backslash escapes for backslash, tab, newline and carriage return.
fn copy_text<const N: usize>(rows: &[[Param; N]]) -> Vec<u8> {
    use std::io::Write;
    let mut out = Vec::with_capacity(rows.len() * N * 16);
    for row in rows {
        for (i, p) in row.iter().enumerate() {
            if i > 0 {
                out.push(b'\t');
            }
            match p {
                Param::Int(v) | Param::OptInt(Some(v)) => {
                    let _ = write!(out, "{v}");
                }
                Param::OptInt(None) | Param::OptText(None) => out.extend_from_slice(b"\\N"),
                Param::Text(s) | Param::OptText(Some(s)) => {
                    for b in s.bytes() {
                        match b {
                            b'\\' => out.extend_from_slice(b"\\\\"),
                            b'\t' => out.extend_from_slice(b"\\t"),
                            b'\n' => out.extend_from_slice(b"\\n"),
                            b'\r' => out.extend_from_slice(b"\\r"),
                            _ => out.push(b),
                        }
                    }
                }
            }
        }
        out.push(b'\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_text_escapes_what_copy_would_misread_and_writes_nulls() {
        let rows = [
            [Param::Int(-7), Param::OptInt(None), Param::Text("a\tb\\c\nd\re".into()), Param::OptText(None)],
            [
                Param::Int(i64::MAX),
                Param::OptInt(Some(0)),
                Param::Text(String::new()),
                Param::OptText(Some("\\N".into())),
            ],
        ];
        assert_eq!(
            String::from_utf8(copy_text(&rows)).unwrap(),
            "-7\t\\N\ta\\tb\\\\c\\nd\\re\t\\N\n9223372036854775807\t0\t\t\\\\N\n"
        );
    }
}
