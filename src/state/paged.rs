//! A cursor-paginated list being read page by page ("Show more").

use plaza_contract::Page;

#[derive(Debug, Clone, PartialEq)]
pub enum PagedStatus<E> {
    Idle,
    LoadingMore,
    /// Loading the next page failed; the items already shown stay.
    Failed(E),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Paged<T, E> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
    pub status: PagedStatus<E>,
}

impl<T, E> Paged<T, E> {
    /// The first page, each item once (`same` tells them apart): a list
    /// keyed by id cannot show one id twice.
    pub fn from_first(page: Page<T>, same: impl Fn(&T, &T) -> bool) -> Self {
        let mut paged = Self {
            items: Vec::new(),
            next_cursor: None,
            status: PagedStatus::Idle,
        };
        paged.receive(page, same);
        paged
    }

    pub fn is_loading(&self) -> bool {
        matches!(self.status, PagedStatus::LoadingMore)
    }

    pub fn has_more(&self) -> bool {
        self.next_cursor.is_some()
    }

    /// Starts loading the next page: the cursor to ask for, or `None` when
    /// there is nothing more or a load is already running.
    pub fn begin_more(&mut self) -> Option<String> {
        if matches!(self.status, PagedStatus::LoadingMore) {
            return None;
        }
        let cursor = self.next_cursor.clone()?;
        self.status = PagedStatus::LoadingMore;
        Some(cursor)
    }

    /// Adds `item` (at the start, or after what is loaded) unless `same`
    /// finds it there already; whether it was added.
    pub fn include(&mut self, item: T, same: impl Fn(&T, &T) -> bool, at_start: bool) -> bool {
        if self.items.iter().any(|known| same(known, &item)) {
            return false;
        }
        if at_start {
            self.items.insert(0, item);
        } else {
            self.items.push(item);
        }
        true
    }

    /// Appends a page; returns the index of its first item, where focus goes.
    /// Items already shown (a backend whose list shifted) are not repeated.
    pub fn receive(&mut self, page: Page<T>, same: impl Fn(&T, &T) -> bool) -> usize {
        let first_new = self.items.len();
        for item in page.items {
            if !self.items.iter().any(|known| same(known, &item)) {
                self.items.push(item);
            }
        }
        // A backend that hands back the cursor it was given would loop forever.
        self.next_cursor = page
            .next_cursor
            .filter(|next| Some(next) != self.next_cursor.as_ref());
        self.status = PagedStatus::Idle;
        first_new
    }

    pub fn fail(&mut self, error: E) {
        self.status = PagedStatus::Failed(error);
    }
}

/// Starts loading `list`'s next page: `Some(None)` for the first page
/// (also when it failed before: a retry), `Some(Some(cursor))` for a later
/// one, `None` when there is nothing to load or a load is running. The
/// list shows it is loading until [`take_page`]. A list that failed with no
/// cursor never had its first page (a later page's failure keeps the
/// cursor it was asked with), even if the resident's own items were
/// included in the meantime: those stay, and the first page is asked again.
pub fn begin_load<T, E>(list: &mut Option<Paged<T, E>>) -> Option<Option<String>> {
    match list {
        Some(l) if l.next_cursor.is_some() => l.begin_more().map(Some),
        Some(l) if matches!(l.status, PagedStatus::Failed(_)) => {
            l.status = PagedStatus::LoadingMore;
            Some(None)
        }
        Some(_) => None,
        None => {
            *list = Some(Paged {
                items: Vec::new(),
                next_cursor: None,
                status: PagedStatus::LoadingMore,
            });
            Some(None)
        }
    }
}

/// Takes the answer to a page request into `list`: the first page makes
/// the list, a later one extends it; a failure is kept, with what is
/// already shown, for the reader to retry.
pub fn take_page<T, E>(
    list: &mut Option<Paged<T, E>>,
    result: Result<Page<T>, E>,
    same: impl Fn(&T, &T) -> bool,
) {
    match (list.as_mut(), result) {
        (Some(l), Ok(page)) => {
            l.receive(page, same);
        }
        (Some(l), Err(e)) => l.fail(e),
        (None, Ok(page)) => *list = Some(Paged::from_first(page, same)),
        (None, Err(e)) => {
            *list = Some(Paged {
                items: Vec::new(),
                next_cursor: None,
                status: PagedStatus::Failed(e),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(items: &[u32], next: Option<&str>) -> Page<u32> {
        Page {
            items: items.to_vec(),
            next_cursor: next.map(str::to_owned),
        }
    }

    fn same(a: &u32, b: &u32) -> bool {
        a == b
    }

    #[test]
    fn a_first_page_shows_each_item_once() {
        let p: Paged<u32, ()> = Paged::from_first(page(&[1, 2, 1, 3, 2], Some("c")), same);
        assert_eq!(
            (p.items, p.next_cursor.as_deref()),
            (vec![1, 2, 3], Some("c"))
        );
    }

    #[test]
    fn loads_begin_once_and_a_failed_first_page_is_asked_again() {
        let same = |a: &u32, b: &u32| a == b;
        let mut list: Option<Paged<u32, &str>> = None;
        assert_eq!(begin_load(&mut list), Some(None));
        assert_eq!(begin_load(&mut list), None, "already loading");
        take_page(&mut list, Err("offline"), same);
        assert_eq!(
            begin_load(&mut list),
            Some(None),
            "a retry asks for the first page"
        );
        take_page(&mut list, Ok(page(&[1], Some("c"))), same);
        assert_eq!(begin_load(&mut list), Some(Some("c".to_owned())));
        assert_eq!(begin_load(&mut list), None, "already loading");
        take_page(&mut list, Ok(page(&[], None)), same);
        assert_eq!(begin_load(&mut list), None, "nothing more");
        let mut empty: Option<Paged<u32, &str>> = None;
        begin_load(&mut empty);
        take_page(&mut empty, Ok(page(&[], None)), same);
        assert_eq!(begin_load(&mut empty), None, "an empty list is loaded");
    }

    #[test]
    fn a_first_page_that_failed_is_asked_again_after_an_item_was_included() {
        let same = |a: &u32, b: &u32| a == b;
        let mut list: Option<Paged<u32, &str>> = None;
        begin_load(&mut list);
        take_page(&mut list, Err("offline"), same);
        // The resident's own item, sent meanwhile, joins the list.
        if let Some(l) = list.as_mut() {
            l.include(9, same, true);
        }
        assert_eq!(begin_load(&mut list), Some(None), "the first page again");
        assert_eq!(begin_load(&mut list), None, "already loading");
        take_page(&mut list, Ok(page(&[1, 9, 2], Some("c"))), same);
        assert_eq!(
            list.as_ref().map(|l| (l.items.as_slice(), l.has_more())),
            Some((&[9, 1, 2][..], true))
        );
    }

    #[test]
    fn pages_are_taken_first_then_more_and_failures_kept() {
        let same = |a: &u32, b: &u32| a == b;
        let mut list: Option<Paged<u32, &str>> = None;
        take_page(&mut list, Err("offline"), same);
        assert_eq!(
            list.as_ref().map(|l| &l.status),
            Some(&PagedStatus::Failed("offline"))
        );
        list = None;
        take_page(&mut list, Ok(page(&[1, 2], Some("c"))), same);
        take_page(&mut list, Err("offline"), same);
        assert_eq!(
            list.as_ref().map(|l| (l.items.as_slice(), &l.status)),
            Some((&[1, 2][..], &PagedStatus::Failed("offline")))
        );
        take_page(&mut list, Ok(page(&[2, 3], None)), same);
        assert_eq!(
            list.as_ref().map(|l| (l.items.as_slice(), l.has_more())),
            Some((&[1, 2, 3][..], false))
        );
    }

    #[test]
    fn a_sent_item_is_included_once_where_its_list_wants_it() {
        let mut list: Paged<u32, ()> = Paged::from_first(page(&[1, 2], None), same);
        assert!(list.include(9, |a, b| a == b, true));
        assert!(!list.include(9, |a, b| a == b, false), "already there");
        assert!(list.include(7, |a, b| a == b, false));
        assert_eq!(list.items, vec![9, 1, 2, 7]);
    }

    #[test]
    fn pages_are_appended_in_order() {
        let mut p: Paged<u32, String> = Paged::from_first(page(&[1, 2], Some("2")), same);
        assert_eq!(p.begin_more().as_deref(), Some("2"));
        assert_eq!(p.begin_more(), None, "one load at a time");
        assert_eq!(p.receive(page(&[3, 4], None), |a, b| a == b), 2);
        assert_eq!(p.items, [1, 2, 3, 4]);
        assert!(!p.has_more());
        assert_eq!(p.begin_more(), None);
    }

    #[test]
    fn a_failed_page_keeps_what_is_shown_and_can_be_retried() {
        let mut p: Paged<u32, String> = Paged::from_first(page(&[1], Some("1")), same);
        p.begin_more();
        p.fail("offline".into());
        assert_eq!(p.items, [1]);
        assert_eq!(p.begin_more().as_deref(), Some("1"));
    }

    #[test]
    fn repeated_items_and_stuck_cursors_are_ignored() {
        let mut p: Paged<u32, String> = Paged::from_first(page(&[1, 2], Some("c")), same);
        p.begin_more();
        assert_eq!(p.receive(page(&[2, 3], Some("c")), |a, b| a == b), 2);
        assert_eq!(p.items, [1, 2, 3]);
        assert!(!p.has_more());
    }
}
