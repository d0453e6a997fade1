//! The list of test sessions on the booking page: narrowed by exam centre
//! (考场), subject (科目) and day with a plain GET form whose values live in
//! the address (so they survive reload and back), the sessions the learner
//! can book first, the others summarised by reason or listed after them,
//! one page at a time.

use super::{BookingRefusal, Subject};
use crate::domain::date::Date;

/// Sessions on one page of the list.
pub const PAGE_SIZE: usize = 10;

/// What the list is narrowed to; read from the address's query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionFilter {
    pub centre: Option<String>,
    pub subject: Option<Subject>,
    pub day: Option<Date>,
    /// Also list the sessions that cannot be booked (after the bookable ones).
    pub show_unbookable: bool,
    /// 1-based.
    pub page: usize,
}

impl Default for SessionFilter {
    fn default() -> Self {
        SessionFilter {
            centre: None,
            subject: None,
            day: None,
            show_unbookable: false,
            page: 1,
        }
    }
}

impl SessionFilter {
    /// Reads the filter from query values (`centre`, `subject` = 1–4, `day` =
    /// YYYY-MM-DD, `all`, `page`). A value not understood narrows nothing:
    /// the person sees the whole list rather than an error.
    pub fn from_query(value: impl Fn(&str) -> Option<String>) -> SessionFilter {
        let given = |key: &str| {
            value(key)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        SessionFilter {
            centre: given("centre"),
            subject: given("subject").and_then(|c| Subject::from_code(&c)),
            day: given("day").and_then(|d| Date::parse_iso(&d)),
            show_unbookable: given("all").is_some(),
            page: given("page")
                .and_then(|p| p.parse().ok())
                .filter(|p| *p >= 1)
                .unwrap_or(1),
        }
    }

    /// Is anything chosen in the centre, subject or day fields?
    pub fn is_narrowed(&self) -> bool {
        self.centre.is_some() || self.subject.is_some() || self.day.is_some()
    }

    pub fn matches(&self, centre: &str, subject: Subject, day: Date) -> bool {
        self.centre.as_deref().is_none_or(|c| c == centre)
            && self.subject.is_none_or(|s| s == subject)
            && self.day.is_none_or(|d| d == day)
    }

    /// The query string for this filter (page 1 is left out), to link to
    /// another page of the list or to flip the unbookable toggle.
    pub fn query(&self) -> String {
        let mut parts = Vec::new();
        if let Some(c) = &self.centre {
            parts.push(format!("centre={}", encode(c)));
        }
        if let Some(s) = self.subject {
            parts.push(format!("subject={}", s.code()));
        }
        if let Some(d) = self.day {
            parts.push(format!("day={d}"));
        }
        if self.show_unbookable {
            parts.push("all=1".to_string());
        }
        if self.page > 1 {
            parts.push(format!("page={}", self.page));
        }
        parts.join("&")
    }

    /// The same filter at another page.
    pub fn at_page(&self, page: usize) -> SessionFilter {
        SessionFilter {
            page: page.max(1),
            ..self.clone()
        }
    }

    /// The same filter with the unbookable sessions listed or not (page 1).
    pub fn with_unbookable(&self, show: bool) -> SessionFilter {
        SessionFilter {
            show_unbookable: show,
            page: 1,
            ..self.clone()
        }
    }
}

/// Percent-encodes a query value (UTF-8), keeping only unreserved ASCII.
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Sessions that cannot be booked for one reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReasonGroup {
    pub refusal: BookingRefusal,
    pub subjects: Vec<Subject>,
    pub sessions: usize,
}

/// One page of the list, with what the form and the summary need.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listing<T> {
    /// This page: bookable sessions first, then (when asked for) the others,
    /// each with the reason it cannot be booked.
    pub rows: Vec<(T, Option<BookingRefusal>)>,
    /// Sessions matching the filter that can be booked.
    pub bookable: usize,
    /// Sessions matching the filter that cannot, grouped by reason.
    pub reasons: Vec<ReasonGroup>,
    pub page: usize,
    pub pages: usize,
    /// Every centre and day among all sessions, for the form's choices.
    pub centres: Vec<String>,
    pub days: Vec<Date>,
}

impl<T> Listing<T> {
    pub fn unbookable(&self) -> usize {
        self.reasons.iter().map(|g| g.sessions).sum()
    }
}

/// Narrows, orders (bookable first, otherwise in the order given) and pages
/// the sessions; `key` tells each session's centre, subject and day.
pub fn list<T>(
    sessions: Vec<(T, Option<BookingRefusal>)>,
    filter: &SessionFilter,
    key: impl Fn(&T) -> (&str, Subject, Date),
) -> Listing<T> {
    let mut centres: Vec<String> = Vec::new();
    let mut days: Vec<Date> = Vec::new();
    for (s, _) in &sessions {
        let (centre, _, day) = key(s);
        if !centres.iter().any(|c| c == centre) {
            centres.push(centre.to_string());
        }
        if !days.contains(&day) {
            days.push(day);
        }
    }
    days.sort();
    let (bookable, unbookable): (Vec<_>, Vec<_>) = sessions
        .into_iter()
        .filter(|(s, _)| {
            let (centre, subject, day) = key(s);
            filter.matches(centre, subject, day)
        })
        .partition(|(_, refusal)| refusal.is_none());
    let mut reasons: Vec<ReasonGroup> = Vec::new();
    for (s, refusal) in &unbookable {
        let refusal = refusal.clone().expect("partitioned");
        let (_, subject, _) = key(s);
        match reasons.iter_mut().find(|g| g.refusal == refusal) {
            Some(g) => {
                g.sessions += 1;
                if !g.subjects.contains(&subject) {
                    g.subjects.push(subject);
                    g.subjects.sort();
                }
            }
            None => reasons.push(ReasonGroup {
                refusal,
                subjects: vec![subject],
                sessions: 1,
            }),
        }
    }
    let bookable_count = bookable.len();
    let mut shown = bookable;
    if filter.show_unbookable {
        shown.extend(unbookable);
    }
    let pages = shown.len().div_ceil(PAGE_SIZE).max(1);
    let page = filter.page.clamp(1, pages);
    let rows = shown
        .into_iter()
        .skip((page - 1) * PAGE_SIZE)
        .take(PAGE_SIZE)
        .collect();
    Listing {
        rows,
        bookable: bookable_count,
        reasons,
        page,
        pages,
        centres,
        days,
    }
}

/// The day of the week, as 周一 … 周日 and Mon … Sun.
pub fn weekday(day: Date) -> (&'static str, &'static str) {
    // 1970-01-01 was a Thursday.
    const NAMES: [(&str, &str); 7] = [
        ("周四", "Thu"),
        ("周五", "Fri"),
        ("周六", "Sat"),
        ("周日", "Sun"),
        ("周一", "Mon"),
        ("周二", "Tue"),
        ("周三", "Wed"),
    ];
    NAMES[day.days_since_epoch().rem_euclid(7) as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(day: u8) -> Date {
        Date::new(2026, 12, day).unwrap()
    }

    /// 2 centres × 4 subjects × 5 days; only subject 1 is bookable.
    fn sessions() -> Vec<((String, Subject, Date), Option<BookingRefusal>)> {
        let mut out = Vec::new();
        for day in 1..=5 {
            for subject in Subject::ALL {
                for centre in ["鹿泉", "正定"] {
                    let refusal = match subject {
                        Subject::One => None,
                        Subject::Two | Subject::Three => {
                            Some(BookingRefusal::NeedsSubject(Subject::One))
                        }
                        Subject::Four => Some(BookingRefusal::NeedsSubject(Subject::Three)),
                    };
                    out.push(((centre.to_string(), *subject, d(day)), refusal));
                }
            }
        }
        out
    }

    fn key(s: &(String, Subject, Date)) -> (&str, Subject, Date) {
        (s.0.as_str(), s.1, s.2)
    }

    #[test]
    fn bookable_sessions_come_first_and_the_rest_is_summarised_by_reason() {
        let all = list(sessions(), &SessionFilter::default(), key);
        assert_eq!(all.bookable, 10);
        assert_eq!(all.unbookable(), 30);
        assert_eq!(all.pages, 1, "only the bookable ones are listed");
        assert!(all.rows.iter().all(|(_, r)| r.is_none()));
        assert_eq!(
            all.reasons,
            vec![
                ReasonGroup {
                    refusal: BookingRefusal::NeedsSubject(Subject::One),
                    subjects: vec![Subject::Two, Subject::Three],
                    sessions: 20
                },
                ReasonGroup {
                    refusal: BookingRefusal::NeedsSubject(Subject::Three),
                    subjects: vec![Subject::Four],
                    sessions: 10
                },
            ]
        );
        assert_eq!(all.centres, vec!["鹿泉", "正定"]);
        assert_eq!(all.days, (1..=5).map(d).collect::<Vec<_>>());

        let everything = list(
            sessions(),
            &SessionFilter::default().with_unbookable(true),
            key,
        );
        assert_eq!(everything.pages, 4);
        assert!(everything.rows.iter().all(|(_, r)| r.is_none()));
        let last = list(
            sessions(),
            &SessionFilter::default().with_unbookable(true).at_page(9),
            key,
        );
        assert_eq!(last.page, 4, "a page past the end shows the last page");
        assert!(last.rows.iter().all(|(_, r)| r.is_some()));
    }

    #[test]
    fn the_filter_narrows_by_centre_subject_and_day() {
        let filter = SessionFilter::from_query(|k| match k {
            "centre" => Some("正定".into()),
            "subject" => Some("1".into()),
            "day" => Some("2026-12-03".into()),
            _ => None,
        });
        assert!(filter.is_narrowed());
        let one = list(sessions(), &filter, key);
        assert_eq!(one.bookable, 1);
        assert_eq!(one.rows[0].0, ("正定".to_string(), Subject::One, d(3)));
        assert_eq!(one.unbookable(), 0);
        assert_eq!(one.days.len(), 5, "the form still offers every day");

        let two = SessionFilter {
            subject: Some(Subject::Two),
            ..SessionFilter::default()
        };
        let listing = list(sessions(), &two, key);
        assert_eq!((listing.bookable, listing.unbookable()), (0, 10));
        assert!(listing.rows.is_empty());
    }

    #[test]
    fn the_query_round_trips_and_odd_values_narrow_nothing() {
        let filter = SessionFilter {
            centre: Some("石家庄市正定考场".into()),
            subject: Some(Subject::Three),
            day: Some(d(9)),
            show_unbookable: true,
            page: 2,
        };
        let query = filter.query();
        assert!(query.starts_with("centre=%E7%9F%B3"), "{query}");
        let value = |k: &str| {
            form_urlencoded::parse(query.as_bytes())
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.into_owned())
        };
        assert_eq!(SessionFilter::from_query(value), filter);
        let odd = SessionFilter::from_query(|k| match k {
            "subject" => Some("9".into()),
            "day" => Some("tomorrow".into()),
            "page" => Some("0".into()),
            "centre" => Some("  ".into()),
            _ => None,
        });
        assert_eq!(odd, SessionFilter::default());
        assert_eq!(SessionFilter::default().query(), "");
    }

    #[test]
    fn weekdays() {
        assert_eq!(weekday(d(1)), ("周二", "Tue"));
        assert_eq!(weekday(d(6)), ("周日", "Sun"));
    }
}
