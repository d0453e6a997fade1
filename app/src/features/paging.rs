//! Lists a page at a time (分页): which page was asked for, and one page
//! of a list with how many there are in all. Nothing traffic-specific:
//! every list a person or an officer reads pages through these, so no
//! server function answers an unbounded list.
//!
//! The store counts, keeps the page within the list ([`PageRequest::within`]:
//! past the end shows the last page), then reads that page with
//! `LIMIT`/`OFFSET` in a stable order (ending on the id).

use crate::error::AppError;
use crate::i18n::Text;
use serde::{Deserialize, Serialize};

/// Rows per page of a person's own lists (applications, violations,
/// messages, bookings): a page one reads on a phone.
pub const PAGE_ROWS: u32 = 20;

/// Rows per page of the dense staff tables (queues, rosters).
pub const STAFF_PAGE_ROWS: u32 = 50;

/// Which page of a list (页码, from 1) and how many rows a page holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageRequest {
    pub page: u32,
    pub per_page: u32,
}

impl PageRequest {
    /// The first page.
    pub fn first(per_page: u32) -> PageRequest {
        PageRequest {
            page: 1,
            per_page: per_page.max(1),
        }
    }

    /// The page a form or an address asked for: nothing (or blank) is the
    /// first page; a number past the end is kept within the list later
    /// ([`PageRequest::within`]); anything but a whole number from 1 is a
    /// field problem on `page`.
    pub fn parse(raw: Option<&str>, per_page: u32) -> Result<PageRequest, AppError> {
        let first = PageRequest::first(per_page);
        let raw = raw.map(str::trim).unwrap_or_default();
        if raw.is_empty() {
            return Ok(first);
        }
        if !raw.bytes().all(|b| b.is_ascii_digit()) {
            return Err(not_a_page());
        }
        // All digits: a huge number is a page past the end, not an error.
        let digits = raw.trim_start_matches('0');
        let page = if digits.is_empty() {
            0
        } else {
            digits.parse::<u32>().unwrap_or(u32::MAX)
        };
        if page == 0 {
            return Err(not_a_page());
        }
        Ok(PageRequest { page, ..first })
    }

    /// The same page if the list reaches it, else its last page (the first
    /// when the list is empty).
    pub fn within(self, total: i64) -> PageRequest {
        let page = self.page.clamp(1, pages_for(total, self.per_page));
        PageRequest { page, ..self }
    }

    /// Rows to read (SQL `LIMIT`).
    pub fn limit(&self) -> i64 {
        i64::from(self.per_page.max(1))
    }

    /// Rows to skip (SQL `OFFSET`).
    pub fn offset(&self) -> i64 {
        (i64::from(self.page.max(1)) - 1) * self.limit()
    }
}

/// How many pages `total` rows fill (at least one, so that "page 1 of 1"
/// holds for an empty list).
pub fn pages_for(total: i64, per_page: u32) -> u32 {
    let per_page = i64::from(per_page.max(1));
    let pages = (total.max(0) + per_page - 1) / per_page;
    pages.clamp(1, i64::from(u32::MAX)) as u32
}

/// The field problem for a page number that is not one.
fn not_a_page() -> AppError {
    AppError::field(
        "page",
        Text::new(
            "页码应为从1开始的整数，例如2。",
            "The page number must be a whole number from 1, such as 2.",
        ),
    )
}

/// One page of a list, with how many rows the whole list has.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListPage<T> {
    pub items: Vec<T>,
    /// Rows in the whole list.
    pub total: i64,
    /// This page's number, from 1 (within the list).
    pub page: u32,
    pub per_page: u32,
}

impl<T> ListPage<T> {
    /// The rows read for `request` (already kept [`PageRequest::within`]
    /// `total`).
    pub fn new(items: Vec<T>, total: i64, request: PageRequest) -> ListPage<T> {
        ListPage {
            items,
            total: total.max(0),
            page: request.page,
            per_page: request.per_page,
        }
    }

    /// How many pages the list fills (at least one).
    pub fn pages(&self) -> u32 {
        pages_for(self.total, self.per_page)
    }

    /// Whether the list has more than one page (a pager is shown).
    pub fn is_paged(&self) -> bool {
        self.pages() > 1
    }

    /// The same page with each row turned into another.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> ListPage<U> {
        ListPage {
            items: self.items.into_iter().map(f).collect(),
            total: self.total,
            page: self.page,
            per_page: self.per_page,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_or_blank_is_the_first_page() {
        assert_eq!(
            PageRequest::parse(None, 20).unwrap(),
            PageRequest::first(20)
        );
        assert_eq!(PageRequest::parse(Some("  "), 20).unwrap().page, 1);
        assert_eq!(PageRequest::parse(Some(" 3 "), 20).unwrap().page, 3);
        assert_eq!(PageRequest::parse(Some("007"), 20).unwrap().page, 7);
    }

    #[test]
    fn a_page_that_is_not_a_whole_number_from_one_is_a_field_problem() {
        for raw in ["0", "000", "-1", "1.5", "abc", "2页", "１"] {
            let err = PageRequest::parse(Some(raw), 20).unwrap_err();
            assert!(err.concerns_any(&["page"]), "{raw}: {err:?}");
        }
    }

    #[test]
    fn a_page_past_the_end_is_the_last_page() {
        let huge = PageRequest::parse(Some(&"9".repeat(300)), 20).unwrap();
        assert_eq!(huge.page, u32::MAX);
        assert_eq!(huge.within(41).page, 3);
        assert_eq!(
            PageRequest::parse(Some("4"), 20).unwrap().within(41).page,
            3
        );
        assert_eq!(
            PageRequest::parse(Some("2"), 20).unwrap().within(41).page,
            2
        );
        assert_eq!(PageRequest::parse(Some("9"), 20).unwrap().within(0).page, 1);
    }

    #[test]
    fn the_page_reads_its_own_rows() {
        let third = PageRequest {
            page: 3,
            per_page: 20,
        };
        assert_eq!((third.limit(), third.offset()), (20, 40));
        assert_eq!(PageRequest::first(50).offset(), 0);
    }

    #[test]
    fn pages_are_counted_up_and_never_none() {
        assert_eq!(pages_for(0, 20), 1);
        assert_eq!(pages_for(20, 20), 1);
        assert_eq!(pages_for(21, 20), 2);
        assert_eq!(pages_for(-5, 20), 1);
        let page = ListPage::new(
            vec![1, 2],
            42,
            PageRequest {
                page: 3,
                per_page: 20,
            },
        );
        assert_eq!(page.pages(), 3);
        assert!(page.is_paged());
        assert_eq!(page.map(|n| n * 10).items, vec![10, 20]);
    }
}
