//! Replies shown as a thread: each under what it answers, in the order
//! they were posted, nested a few levels deep (deeper replies stay at the
//! deepest level, right under what they answer, so that a long exchange
//! does not squeeze the text into a narrow column on a phone).

/// The deepest level of replies (0: replies to the argument), so three
/// levels are indented under an argument.
pub const MAX_DEPTH: usize = 2;

/// A reply and the replies under it.
#[derive(Debug, Clone, PartialEq)]
pub struct Node<T> {
    pub item: T,
    pub replies: Vec<Node<T>>,
}

/// Arranges `items` (oldest first) under their parents. An item whose
/// parent is not among them (not loaded yet, or removed) answers the
/// argument itself.
pub fn arrange<T>(
    items: Vec<T>,
    id: impl Fn(&T) -> &str,
    parent: impl Fn(&T) -> Option<&str>,
) -> Vec<Node<T>> {
    let ids: Vec<String> = items.iter().map(|i| id(i).to_owned()).collect();
    let parents: Vec<Option<usize>> = items
        .iter()
        .enumerate()
        .map(|(at, item)| {
            let p = parent(item)?;
            // Only an earlier item can be a parent: no cycles, whatever the data.
            ids[..at].iter().position(|i| i == p)
        })
        .collect();
    // The depth of each item, and where it hangs when too deep: its
    // ancestor at the deepest level.
    let mut depth = vec![0usize; items.len()];
    let mut hang = vec![None; items.len()];
    for at in 0..items.len() {
        if let Some(p) = parents[at] {
            depth[at] = depth[p] + 1;
            hang[at] = if depth[at] > MAX_DEPTH {
                depth[at] = MAX_DEPTH;
                hang[p]
            } else {
                Some(p)
            };
        }
    }
    let mut slots: Vec<Option<Node<T>>> = items
        .into_iter()
        .map(|item| {
            Some(Node {
                item,
                replies: Vec::new(),
            })
        })
        .collect();
    // Children are attached from the last to the first, so that each
    // node is complete before it moves under its own parent.
    for at in (0..slots.len()).rev() {
        if let Some(p) = hang[at] {
            if let Some(node) = slots[at].take() {
                if let Some(parent) = slots[p].as_mut() {
                    parent.replies.insert(0, node);
                }
            }
        }
    }
    slots.into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    type C = (&'static str, Option<&'static str>);

    fn tree(items: Vec<C>) -> Vec<Node<C>> {
        arrange(items, |c| c.0, |c| c.1)
    }

    fn shape(nodes: &[Node<C>]) -> String {
        nodes
            .iter()
            .map(|n| {
                if n.replies.is_empty() {
                    n.item.0.to_owned()
                } else {
                    format!("{}({})", n.item.0, shape(&n.replies))
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn replies_nest_under_what_they_answer_in_order() {
        let t = tree(vec![
            ("a", None),
            ("b", Some("a")),
            ("c", None),
            ("d", Some("a")),
            ("e", Some("b")),
        ]);
        assert_eq!(shape(&t), "a(b(e) d) c");
    }

    #[test]
    fn deep_exchanges_stay_at_the_deepest_level() {
        let t = tree(vec![
            ("1", None),
            ("2", Some("1")),
            ("3", Some("2")),
            ("4", Some("3")),
            ("5", Some("4")),
        ]);
        assert_eq!(shape(&t), "1(2(3 4 5))");
    }

    #[test]
    fn unknown_or_later_parents_answer_the_argument() {
        let t = tree(vec![("a", Some("gone")), ("b", Some("c")), ("c", None)]);
        assert_eq!(shape(&t), "a b c");
        let cycle = tree(vec![("x", Some("y")), ("y", Some("x"))]);
        assert_eq!(
            shape(&cycle),
            "x(y)",
            "only an earlier item can be a parent"
        );
    }
}
