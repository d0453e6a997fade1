//! The ownership matrix (归属矩阵): every entry of the project route table
//! (`server::http::routes::table()`) that names an object — an id or a
//! number in its arguments, path or query — called with the real objects
//! of one citizen (`setup`), as the owner, as another person of the same
//! kind who owns none of it (the non-owner), as a unit and as a staff
//! member, with the outcome the platform gives today. The authorization
//! matrix (`authorization.rs`) proves the gates with objects that do not
//! exist; this one proves that behind the gate each person reaches only
//! their own.
//!
//! The test fails when an entry of the table is neither in `rows::MATRIX` nor
//! in `rows::NAMES_NO_OBJECT` (or a row names no entry), when an outcome
//! differs (status and, for server functions, the error kind; for pages,
//! whether the object is shown), on any transport error, when an answer to
//! anyone but the owner or staff carries one of the owners' secrets (ID
//! numbers, phones, VINs, plates, places, order and receipt numbers), and
//! when anything of the owners' changed after the calls of the non-owner,
//! the unit or the staff member (`snapshot`: every row of every table that
//! holds an owner's object). The owner calls last. Before, each staff desk
//! is given an account of the kind it does not serve (`rows::WRONG_KIND`:
//! a person's to the administrator's staff desk, the administrator's to
//! the supervisor's and the window's), with arguments that would change it.
//!
//! `MATRIX_PRINT=1` prints the outcomes seen, as rows to paste.

mod requests;
mod rows;
mod setup;
mod snapshot;

use crate::helpers::*;
use requests::{call, send, Seen};
use rows::{MATRIX, NAMES_NO_OBJECT, WRONG_KIND};
use server::http::routes::{table, RouteEntry, Via};
use setup::{Pair, STAFF, UNIT};
use std::collections::BTreeSet;

/// Who is asking (访问者), in the order of a row's outcomes.
const VISITORS: [&str; 4] = ["owner", "non-owner", "unit", "staff"];

/// What a visitor gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum O {
    /// 2xx (a page: the object is not looked for).
    Ok,
    /// A page that shows the object (its marker is in the page).
    Shows,
    /// A page that answers 200 without the object.
    Hides,
    /// A server function's error, by kind (status and the kind in the body).
    Fields,
    NotAllowed,
    NotFound,
    Conflict,
    /// A redirect to an address starting so.
    To(&'static str),
    /// Any other status.
    S(u16),
}
use O::*;

impl O {
    pub fn kind_and_status(self) -> Option<(&'static str, u16)> {
        Some(match self {
            Fields => ("Fields", 400),
            NotAllowed => ("NotAllowed", 403),
            NotFound => ("NotFound", 404),
            Conflict => ("Conflict", 409),
            _ => return None,
        })
    }
}

/// The order the entries run in: pages and routes (reads) first, then the
/// server functions in table order, unbinding the car last (the owner's
/// other calls need it bound).
fn run_order(entries: &mut [RouteEntry]) {
    entries.sort_by_key(|e| (e.via == Via::ServerFn, e.path == "/api/unbind_vehicle"));
}

async fn ownership_matrix(app: TestApp) {
    let print = std::env::var("MATRIX_PRINT").is_ok_and(|v| v == "1");
    let mut entries: Vec<RouteEntry> = table();
    let listed: BTreeSet<(String, &str)> = entries
        .iter()
        .map(|e| (e.method.to_string(), e.path))
        .collect();
    let rows: BTreeSet<(String, &str)> = MATRIX
        .iter()
        .map(|(m, p, _, _)| (m.to_string(), *p))
        .chain(NAMES_NO_OBJECT.iter().map(|(m, p, _)| (m.to_string(), *p)))
        .collect();
    let missing: Vec<_> = listed.difference(&rows).collect();
    let stale: Vec<_> = rows.difference(&listed).collect();
    let twice: Vec<_> = MATRIX
        .iter()
        .filter(|(m, p, _, _)| NAMES_NO_OBJECT.iter().any(|(n, q, _)| n == m && q == p))
        .collect();
    assert!(
        print || (missing.is_empty() && stale.is_empty() && twice.is_empty()),
        "{app}: route-table entries in neither the matrix nor the list of entries naming no object: \
         {missing:?}; rows without an entry: {stale:?}; in both: {twice:?}"
    );
    let (o, owner_clients) = setup::objects(&app).await;
    let mut non_owners = Vec::new();
    for pair in Pair::ALL {
        non_owners.push(logged_in(&app, pair.logins().1).await);
    }
    let unit = logged_in(&app, UNIT).await;
    let staff = logged_in(&app, STAFF).await;

    // The rows run: the entries of the matrix, in run order.
    run_order(&mut entries);
    if print {
        println!("entries in neither list: {missing:?}; rows without an entry: {stale:?}");
    }
    let entries: Vec<(RouteEntry, Pair)> = entries
        .into_iter()
        .filter_map(|e| {
            MATRIX
                .iter()
                .find(|(m, p, _, _)| *m == e.method.as_str() && *p == e.path)
                .map(|(_, _, pair, _)| (e, *pair))
        })
        .collect();
    let pair_index = |pair: Pair| Pair::ALL.iter().position(|p| *p == pair).unwrap();

    let mut seen: Vec<[Option<Seen>; 4]> = entries.iter().map(|_| Default::default()).collect();
    let mut wrong = Vec::new();
    let mut before = snapshot::take(&app, &o).await;
    // Everyone but the owner first; after each, nothing of the owners'
    // may have changed.
    for visitor in [1, 2, 3, 0] {
        if visitor == 0 {
            wrong_kind(&app, &o, print, &mut wrong).await;
            let after = snapshot::take(&app, &o).await;
            for change in snapshot::changes(&before, &after) {
                wrong.push(format!(
                    "staff calls on accounts of the wrong kind changed the owners' data: {change}"
                ));
            }
        }
        for (i, (entry, pair)) in entries.iter().enumerate() {
            let client = match visitor {
                0 => &owner_clients[pair_index(*pair)],
                1 => &non_owners[pair_index(*pair)],
                2 => &unit,
                _ => &staff,
            };
            let (answer, asked) = send(&app, client, entry, &o).await;
            if visitor == 1 || visitor == 2 {
                for secret in o.secrets.iter().filter(|s| !asked.contains(s.as_str())) {
                    if answer.body.contains(secret.as_str()) {
                        wrong.push(format!(
                            "{} {} as {}: the answer holds the owner's {secret:?}",
                            entry.method, entry.path, VISITORS[visitor]
                        ));
                    }
                }
            }
            seen[i][visitor] = Some(answer);
        }
        if visitor != 0 {
            let after = snapshot::take(&app, &o).await;
            for change in snapshot::changes(&before, &after) {
                wrong.push(format!(
                    "the {}'s calls changed the owners' data: {change}",
                    VISITORS[visitor]
                ));
            }
            before = after;
        }
    }

    for ((entry, pair), answers) in entries.iter().zip(&seen) {
        let answers: Vec<&Seen> = answers.iter().map(|a| a.as_ref().unwrap()).collect();
        if let Some((_, _, _, row)) = MATRIX
            .iter()
            .find(|(m, p, _, _)| *m == entry.method.as_str() && *p == entry.path)
        {
            for (v, answer) in answers.iter().enumerate() {
                if !answer.is(row[v], entry.via) {
                    wrong.push(format!(
                        "{} {} as {}: expected {:?}, got {} ({}, {:?})",
                        entry.method,
                        entry.path,
                        VISITORS[v],
                        row[v],
                        answer.outcome(),
                        answer.status,
                        answer.body.chars().take(300).collect::<String>()
                    ));
                }
            }
        }
        if print {
            let outcomes: Vec<String> = answers.iter().map(|a| a.outcome()).collect();
            println!(
                "    (\"{}\", \"{}\", {}, [{}]),",
                entry.method,
                entry.path,
                match pair {
                    Pair::Window => "W",
                    Pair::NewCar => "N",
                    Pair::Learner => "L",
                },
                outcomes.join(", ")
            );
        }
    }
    assert!(
        wrong.is_empty(),
        "{app}: {} problems in the ownership matrix:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// The [`WRONG_KIND`] rows: each staff role calls with an account its
/// desk does not serve.
async fn wrong_kind(app: &TestApp, o: &setup::Objects, print: bool, wrong: &mut Vec<String>) {
    let admin: i64 = app
        .scalar("SELECT id FROM accounts WHERE staff_username = $1", "admin")
        .await;
    let mut clients: Vec<(&str, reqwest::Client)> = Vec::new();
    for (role, path, form, expected) in WRONG_KIND {
        if !clients.iter().any(|(r, _)| r == role) {
            clients.push((role, logged_in(app, role).await));
        }
        let client = &clients.iter().find(|(r, _)| r == role).unwrap().1;
        let form: Vec<(&str, String)> = form
            .iter()
            .map(|(k, v)| {
                let v = v
                    .replace("{owner}", &o.owners[0].to_string())
                    .replace("{admin}", &admin.to_string());
                (*k, v)
            })
            .collect();
        let seen = call(app, client, path, &form).await;
        if !seen.is(*expected, Via::ServerFn) {
            wrong.push(format!(
                "{path} as {role} on the wrong kind of account: expected {expected:?}, got {} ({})",
                seen.outcome(),
                seen.body.chars().take(300).collect::<String>()
            ));
        }
        if print {
            println!("    (\"{role}\", \"{path}\", …, {}),", seen.outcome());
        }
    }
}

both_backends!(ownership_matrix);
