//! Calendar dates as editors write them (ISO 8601 `YYYY-MM-DD`), without time zones:
//! an article is updated on a day, not at an instant.

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl Date {
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        let valid =
            (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month) && (1000..=9999).contains(&year);
        valid.then_some(Date { year, month, day })
    }

    /// Parses exactly `YYYY-MM-DD`; anything else (times, slashes, missing zeros) is refused
    /// so that every date in the content reads the same way.
    pub fn parse_iso(text: &str) -> Option<Date> {
        let bytes = text.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return None;
        }
        let digits = |range: std::ops::Range<usize>| -> Option<u32> {
            let part = &text[range];
            if !part.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            part.parse().ok()
        };
        let year = digits(0..4)? as i32;
        let month = digits(5..7)? as u8;
        let day = digits(8..10)? as u8;
        Date::new(year, month, day)
    }

    /// Today in UTC, from the system clock.
    pub fn today() -> Date {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        Date::from_days_since_epoch(secs.div_euclid(86_400))
    }

    pub fn year(self) -> i32 {
        self.year
    }

    /// The same day `months` later; a day the later month lacks (31 January plus one month)
    /// becomes its last day, as people count review cycles.
    pub fn plus_months(self, months: u32) -> Date {
        let index = i64::from(self.month - 1) + i64::from(months);
        let year = i64::from(self.year) + index.div_euclid(12);
        let month = (index.rem_euclid(12) + 1) as u8;
        let year = year.clamp(1000, 9999) as i32;
        Date {
            year,
            month,
            day: self.day.min(days_in_month(year, month)),
        }
    }

    /// "January 8, 2026": the form readers see on pages.
    pub fn display(self) -> String {
        format!("{} {}, {}", MONTHS[usize::from(self.month - 1)], self.day, self.year)
    }

    /// Midnight UTC as RFC 3339, the form Atom feeds require.
    pub fn rfc3339(self) -> String {
        format!("{self}T00:00:00Z")
    }

    /// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
    pub fn days_since_epoch(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    pub fn from_days_since_epoch(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Date, D::Error> {
        let text = String::deserialize(deserializer)?;
        Date::parse_iso(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "invalid date `{text}`: expected a real calendar date written YYYY-MM-DD"
            ))
        })
    }
}

/// When a cited work was published, to the month or the day (`2024-03` or `2024-03-07`):
/// AMA prints it for papers online ahead of print, preprints and web pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PublicationDate {
    year: i32,
    month: u8,
    day: Option<u8>,
}

impl PublicationDate {
    pub fn new(year: i32, month: u8, day: Option<u8>) -> Option<PublicationDate> {
        let checked_day = day.unwrap_or(1);
        Date::new(year, month, checked_day)?;
        Some(PublicationDate { year, month, day })
    }

    /// Parses exactly `YYYY-MM` or `YYYY-MM-DD`.
    pub fn parse_iso(text: &str) -> Option<PublicationDate> {
        if let Some(date) = Date::parse_iso(text) {
            return Some(PublicationDate::from(date));
        }
        let bytes = text.as_bytes();
        if bytes.len() != 7 || bytes[4] != b'-' || !text.bytes().enumerate().all(|(i, b)| i == 4 || b.is_ascii_digit())
        {
            return None;
        }
        PublicationDate::new(text[..4].parse().ok()?, text[5..].parse().ok()?, None)
    }

    pub fn year(self) -> i32 {
        self.year
    }

    /// From a year, month and perhaps day as sources split them (CSL's `date-parts`,
    /// RIS `2024/03/07`); a year alone, or an impossible month or day, is no date.
    pub fn from_parts(parts: &[i32]) -> Option<PublicationDate> {
        let small = |n: &i32| u8::try_from(*n).ok();
        match parts {
            [year, month, day, ..] => {
                let month = small(month)?;
                // Sources write an unknown day as 0 (`2024-03-00`): the month still holds.
                match small(day)? {
                    0 => PublicationDate::new(*year, month, None),
                    day => PublicationDate::new(*year, month, Some(day)),
                }
            }
            [year, month] => PublicationDate::new(*year, small(month)?, None),
            _ => None,
        }
    }

    /// A publication date as bibliographic exports write it: `2024-03-07`, `2024-03`, RIS
    /// `2024/03/07/` and `2024/03//`, MEDLINE `2024 Mar 7` and `20240307`. A year alone, a
    /// season or a range of months (`2021 Sep-Oct`) is no date: the year says it all.
    pub fn parse_loose(text: &str) -> Option<PublicationDate> {
        let text = text.trim();
        if text.len() == 8 && text.bytes().all(|b| b.is_ascii_digit()) {
            let number = |range: std::ops::Range<usize>| text[range].parse::<i32>().ok();
            return PublicationDate::from_parts(&[number(0..4)?, number(4..6)?, number(6..8)?]);
        }
        let tokens: Vec<&str> = text.split(['-', '/', ' ']).filter(|t| !t.is_empty()).collect();
        let year = tokens.first().filter(|y| y.len() == 4)?.parse::<i32>().ok()?;
        let month = i32::from(month_number(tokens.get(1)?)?);
        match tokens.get(2) {
            None => PublicationDate::from_parts(&[year, month]),
            Some(day) => match day.parse::<i32>() {
                Ok(day) => PublicationDate::from_parts(&[year, month, day]),
                Err(_) => None,
            },
        }
    }

    /// The calendar day, when the date names one.
    pub fn day(self) -> Option<Date> {
        Date::new(self.year, self.month, self.day?)
    }

    /// "March 7, 2024" or "March 2024", as AMA prints a publication date.
    pub fn display(self) -> String {
        let month = MONTHS[usize::from(self.month - 1)];
        match self.day {
            Some(day) => format!("{month} {day}, {}", self.year),
            None => format!("{month} {}", self.year),
        }
    }

    /// CSL's `date-parts`: `[2024, 3, 7]` or `[2024, 3]`.
    pub fn parts(self) -> Vec<i64> {
        let mut parts = vec![i64::from(self.year), i64::from(self.month)];
        parts.extend(self.day.map(i64::from));
        parts
    }
}

/// `3`, `03`, `Mar`, `mar.` or `March` as the month's number.
pub fn month_number(text: &str) -> Option<u8> {
    let text = text.trim().trim_end_matches('.');
    if let Ok(number) = text.parse::<u8>() {
        return (1..=12).contains(&number).then_some(number);
    }
    let lower = text.to_ascii_lowercase();
    MONTHS
        .iter()
        .position(|name| {
            let name = name.to_ascii_lowercase();
            lower.len() >= 3
                && (name == lower
                    || (lower.len() == 3 && name.starts_with(&lower))
                    || (lower == "sept" && name == "september"))
        })
        .map(|index| index as u8 + 1)
}

impl From<Date> for PublicationDate {
    fn from(date: Date) -> PublicationDate {
        PublicationDate {
            year: date.year,
            month: date.month,
            day: Some(date.day),
        }
    }
}

impl fmt::Display for PublicationDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)?;
        match self.day {
            Some(day) => write!(f, "-{day:02}"),
            None => Ok(()),
        }
    }
}

impl serde::Serialize for PublicationDate {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for PublicationDate {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<PublicationDate, D::Error> {
        let text = String::deserialize(deserializer)?;
        PublicationDate::parse_iso(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "invalid date `{text}`: expected a real date written YYYY-MM-DD or YYYY-MM"
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_iso_dates_and_refuses_impossible_ones() {
        assert_eq!(Date::parse_iso("2026-01-08"), Date::new(2026, 1, 8));
        assert_eq!(
            Date::parse_iso("2024-02-29").map(|d| d.to_string()),
            Some("2024-02-29".into())
        );
        for bad in [
            "2025-02-29",
            "2025-13-01",
            "2025-1-08",
            "08/01/2026",
            "2026-01-08T10:00",
            "",
            "2025-00-10",
        ] {
            assert_eq!(Date::parse_iso(bad), None, "{bad}");
        }
    }

    #[test]
    fn days_since_epoch_round_trips() {
        for text in ["1970-01-01", "2000-02-29", "2026-11-28", "1999-12-31"] {
            let date = Date::parse_iso(text).unwrap();
            assert_eq!(Date::from_days_since_epoch(date.days_since_epoch()), date);
        }
        assert_eq!(Date::parse_iso("1970-01-02").unwrap().days_since_epoch(), 1);
    }

    #[test]
    fn displays_for_readers() {
        assert_eq!(Date::parse_iso("2026-01-08").unwrap().display(), "January 8, 2026");
        assert_eq!(Date::parse_iso("2026-01-08").unwrap().rfc3339(), "2026-01-08T00:00:00Z");
    }

    #[test]
    fn publication_dates_hold_a_month_or_a_day() {
        let day = PublicationDate::parse_iso("2024-03-07").unwrap();
        assert_eq!(
            (day.to_string(), day.display(), day.parts()),
            ("2024-03-07".into(), "March 7, 2024".into(), vec![2024, 3, 7])
        );
        let month = PublicationDate::parse_iso("2024-03").unwrap();
        assert_eq!(
            (month.to_string(), month.display(), month.parts()),
            ("2024-03".into(), "March 2024".into(), vec![2024, 3])
        );
        for bad in [
            "2024",
            "2024-13",
            "2024-3",
            "2025-02-29",
            "2024-03-07T10:00",
            "2024/03",
            "20a4-03",
        ] {
            assert_eq!(PublicationDate::parse_iso(bad), None, "{bad}");
        }
    }
}
