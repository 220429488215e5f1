//! How much a resident may still write in a field, and when to tell a
//! screen-reader user (at a few thresholds, not at every key).

/// Characters used and the field's limit, counted as the contract counts
/// them (the trimmed text, in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    pub used: usize,
    pub max: usize,
}

impl Budget {
    pub fn of(text: &str, max: usize) -> Budget {
        Budget {
            used: text.trim().chars().count(),
            max,
        }
    }

    pub fn left(self) -> usize {
        self.max.saturating_sub(self.used)
    }

    pub fn over(self) -> usize {
        self.used.saturating_sub(self.max)
    }

    /// Close enough to the limit to say how much is left.
    pub fn is_near(self) -> bool {
        self.left() * 10 <= self.max
    }

    /// The step of the announcements this budget is at: crossing from one
    /// step to another is announced, typing within one is not.
    pub fn step(self) -> u8 {
        match self.left() {
            _ if self.over() > 0 => 4,
            0 => 3,
            n if n * 20 <= self.max => 2,
            n if n * 10 <= self.max => 1,
            _ => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_characters_of_the_trimmed_text() {
        let b = Budget::of("  été  ", 10);
        assert_eq!((b.used, b.left(), b.over()), (3, 7, 0));
        assert_eq!(Budget::of(&"x".repeat(12), 10).over(), 2);
    }

    #[test]
    fn announcements_happen_at_a_few_steps() {
        let steps: Vec<u8> = [0, 1500, 1800, 1900, 1999, 2000, 2001]
            .into_iter()
            .map(|n| Budget::of(&"x".repeat(n), 2000).step())
            .collect();
        assert_eq!(steps, [0, 0, 1, 2, 2, 3, 4]);
        assert!(!Budget::of("x", 2000).is_near() && Budget::of(&"x".repeat(1800), 2000).is_near());
    }
}
