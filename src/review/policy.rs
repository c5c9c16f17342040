//! The site's review rules from `evident.yaml` (`review:`): whether approvals must be signed,
//! and how long an approval stays current.

use crate::date::Date;
use serde::{Deserialize, Deserializer};

/// `review.signatures`: how much an approval must prove about who gave it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Signatures {
    /// An approval counts only with a valid signature by a registered key of its reviewer.
    Required,
    /// Unsigned approvals count, with a warning; a signature that fails still withdraws it.
    Optional,
    /// Approvals are judged on their text alone, as before signatures existed.
    #[default]
    Off,
}

impl Signatures {
    pub fn as_str(self) -> &'static str {
        match self {
            Signatures::Required => "required",
            Signatures::Optional => "optional",
            Signatures::Off => "off",
        }
    }
}

/// `review.trust_root`: what a site trusts to say which keys may sign.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrustRoot {
    /// The keys that may sign are pinned outside the repository (`--trusted-keys`,
    /// `EVIDENT_TRUSTED_KEYS`); `check` warns when none are given.
    #[default]
    Pinned,
    /// The people registry in the repository is trusted as it is: for a demo, or a site
    /// whose every writer is trusted. Said in the open, so `check` does not warn.
    Repository,
}

/// `review.publish`: which articles the published site carries.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Publish {
    /// Every article but drafts, each with its review state shown (the behaviour before
    /// this setting existed).
    #[default]
    All,
    /// Only articles whose approval holds; the others are built into previews only.
    Approved,
}

/// A review cycle: `3y`, `18m`, `26w` or `90d`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Interval {
    Years(u32),
    Months(u32),
    Days(u32),
}

impl Default for Interval {
    /// Three years: the longest cycle the NHS Information Standard and PIF TICK accept.
    fn default() -> Interval {
        Interval::Years(3)
    }
}

impl Interval {
    pub fn parse(text: &str) -> Option<Interval> {
        let text = text.trim();
        let unit = text.chars().last()?;
        let number: u32 = text[..text.len() - unit.len_utf8()].trim().parse().ok()?;
        if number == 0 {
            return None;
        }
        Some(match unit {
            'y' => Interval::Years(number),
            'm' => Interval::Months(number),
            'w' => Interval::Days(number.checked_mul(7)?),
            'd' => Interval::Days(number),
            _ => return None,
        })
    }

    /// The day a review made on `date` falls due.
    pub fn after(self, date: Date) -> Date {
        match self {
            Interval::Years(n) => date.plus_months(n.saturating_mul(12)),
            Interval::Months(n) => date.plus_months(n),
            Interval::Days(n) => Date::from_days_since_epoch(date.days_since_epoch() + i64::from(n)),
        }
    }
}

impl<'de> Deserialize<'de> for Interval {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Interval, D::Error> {
        let text = String::deserialize(deserializer)?;
        Interval::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "`{text}` is not a review interval: write a number and a unit, e.g. `3y`, `18m`, `26w` or `90d`"
            ))
        })
    }
}

/// `review:` in `evident.yaml`.
#[derive(Clone, Copy, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewConfig {
    #[serde(default)]
    pub signatures: Signatures,
    #[serde(default)]
    pub interval: Interval,
    #[serde(default)]
    pub trust_root: TrustRoot,
    #[serde(default)]
    pub publish: Publish,
    /// Where `review:` is written in `evident.yaml`, for findings about it.
    #[serde(skip)]
    pub at: crate::diagnostic::Position,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_intervals_in_every_unit() {
        assert_eq!(Interval::parse("3y"), Some(Interval::Years(3)));
        assert_eq!(Interval::parse("18m"), Some(Interval::Months(18)));
        assert_eq!(Interval::parse("2w"), Some(Interval::Days(14)));
        assert_eq!(Interval::parse("90d"), Some(Interval::Days(90)));
        for bad in ["", "y", "3", "0y", "3 years", "-1y", "3x"] {
            assert_eq!(Interval::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn counts_cycles_on_the_calendar() {
        let day = |y, m, d| Date::new(y, m, d).unwrap();
        assert_eq!(Interval::Years(3).after(day(2024, 2, 29)), day(2027, 2, 28));
        assert_eq!(Interval::Months(1).after(day(2026, 1, 31)), day(2026, 2, 28));
        assert_eq!(Interval::Months(18).after(day(2025, 10, 20)), day(2027, 4, 20));
        assert_eq!(Interval::Days(90).after(day(2026, 1, 1)), day(2026, 4, 1));
    }
}
