//! FHIR `date`, `dateTime` and `instant` values as intervals of milliseconds since the Unix
//! epoch (the unit of [`crate::Timestamp`], signed so that dates before 1970 keep their value).
//!
//! A FHIR date-time has a precision (year, month, day, second or a fraction of a second) and
//! stands for the whole interval of that precision: `2016` is all of 2016. FHIR's `Period.end`
//! includes its whole interval ("2012-02-03T10:00:00 is in a period that has an end value of
//! 2012-02-03"), so a period `start..end` becomes the half-open `[start of start, end of end)`.
//!
//! * A value with a time must carry a zone (`Z` or `±hh:mm`, as FHIR requires); a date without
//!   a time has none and is read as UTC.
//! * Leap seconds (`:60`) are read as the first second of the next minute.
//! * Bounds are signed milliseconds since the epoch: a data period may start in 1964.
//! * Writing: a bound at midnight UTC is written as a date, other bounds as instants in UTC;
//!   reading what was written gives back the same bounds.

use crate::error::{Error, ErrorCode, Result};
const MS_PER_DAY: i64 = 86_400_000;

/// The interval `[start, end)`, in milliseconds since the Unix epoch (possibly negative),
/// that a FHIR date, dateTime or instant stands for. Errors never quote the text.
pub fn bounds(text: &str) -> Result<(i64, i64)> {
    let bad = || Error::new(ErrorCode::ConsentInvalid, "a FHIR date or dateTime is malformed");
    let b = text.as_bytes();
    let year = digits(b, 0, 4).ok_or_else(bad)?;
    if year == 0 {
        return Err(bad());
    }
    if b.len() == 4 {
        return Ok((civil_ms(year, 1, 1), civil_ms(year + 1, 1, 1)));
    }
    if b.get(4) != Some(&b'-') {
        return Err(bad());
    }
    let month = digits(b, 5, 2).filter(|m| (1..=12).contains(m)).ok_or_else(bad)?;
    if b.len() == 7 {
        let (ny, nm) = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
        return Ok((civil_ms(year, month, 1), civil_ms(ny, nm, 1)));
    }
    if b.get(7) != Some(&b'-') {
        return Err(bad());
    }
    let day = digits(b, 8, 2).filter(|d| (1..=days_in_month(year, month)).contains(d)).ok_or_else(bad)?;
    let midnight = civil_ms(year, month, day);
    if b.len() == 10 {
        return Ok((midnight, midnight + MS_PER_DAY));
    }
    if b.get(10) != Some(&b'T') || b.get(13) != Some(&b':') || b.get(16) != Some(&b':') {
        return Err(bad());
    }
    let hour = digits(b, 11, 2).filter(|h| *h < 24).ok_or_else(bad)?;
    let minute = digits(b, 14, 2).filter(|m| *m < 60).ok_or_else(bad)?;
    let second = digits(b, 17, 2).filter(|s| *s <= 60).ok_or_else(bad)?;
    let mut pos = 19;
    // Fractional seconds: milliseconds, and the precision of the last digit (in ms, at least 1).
    let (mut frac_ms, mut unit_ms) = (0i64, 1000i64);
    if b.get(pos) == Some(&b'.') {
        pos += 1;
        let start = pos;
        while b.get(pos).is_some_and(u8::is_ascii_digit) {
            let n = pos - start;
            if n < 3 {
                let d = i64::from(b.get(pos).copied().unwrap_or(b'0') - b'0');
                frac_ms += d * 10i64.pow(2 - n as u32);
                unit_ms /= 10;
            } else {
                unit_ms = 1;
            }
            pos += 1;
        }
        if pos == start || pos - start > 9 {
            return Err(bad());
        }
    }
    let offset_min = match b.get(pos) {
        Some(b'Z') if b.len() == pos + 1 => 0,
        Some(sign @ (b'+' | b'-')) if b.len() == pos + 6 && b.get(pos + 3) == Some(&b':') => {
            let h = digits(b, pos + 1, 2).ok_or_else(bad)?;
            let m = digits(b, pos + 4, 2).filter(|m| *m < 60).ok_or_else(bad)?;
            if h > 14 || (h == 14 && m > 0) {
                return Err(bad());
            }
            let total = h * 60 + m;
            if *sign == b'-' { -total } else { total }
        }
        _ => return Err(bad()),
    };
    let start = midnight + ((hour * 60 + minute - offset_min) * 60 + second) * 1000 + frac_ms;
    Ok((start, start + unit_ms))
}

/// The first instant FHIR can write (0001-01-01T00:00:00Z).
const START_OF_FHIR_TIME: i64 = -62_135_596_800_000;
/// The first instant FHIR cannot write (10000-01-01T00:00:00Z): years have four digits.
const END_OF_FHIR_TIME: i64 = 253_402_300_800_000;

fn out_of_range() -> Error {
    Error::new(ErrorCode::ConsentUnsupportedElement, "period: a bound outside the years 0001 to 9999 has no FHIR form")
}

/// A period's start (inclusive, ms since the epoch) as FHIR text.
pub(crate) fn format_start(ms: i64) -> Result<String> {
    if !(START_OF_FHIR_TIME..END_OF_FHIR_TIME).contains(&ms) {
        return Err(out_of_range());
    }
    Ok(if ms.rem_euclid(MS_PER_DAY) == 0 {
        format_date(ms)
    } else if ms.rem_euclid(1000) == 0 {
        format_instant(ms)
    } else {
        format_instant_ms(ms)
    })
}

/// A period's end (exclusive, ms since the epoch) as FHIR text whose interval ends exactly there.
pub(crate) fn format_end(ms: i64) -> Result<String> {
    if ms <= START_OF_FHIR_TIME || ms > END_OF_FHIR_TIME {
        return Err(out_of_range());
    }
    Ok(if ms.rem_euclid(MS_PER_DAY) == 0 {
        format_date(ms - MS_PER_DAY)
    } else if ms.rem_euclid(1000) == 0 {
        format_instant(ms - 1000)
    } else {
        format_instant_ms(ms - 1)
    })
}

fn format_date(ms: i64) -> String {
    let (y, m, d) = civil_from_days(ms.div_euclid(MS_PER_DAY));
    format!("{y:04}-{m:02}-{d:02}")
}

fn format_instant(ms: i64) -> String {
    let (date, hh, mm, ss, _) = split(ms);
    format!("{date}T{hh:02}:{mm:02}:{ss:02}Z")
}

fn format_instant_ms(ms: i64) -> String {
    let (date, hh, mm, ss, frac) = split(ms);
    format!("{date}T{hh:02}:{mm:02}:{ss:02}.{frac:03}Z")
}

fn split(ms: i64) -> (String, i64, i64, i64, i64) {
    let day_ms = ms.rem_euclid(MS_PER_DAY);
    let secs = day_ms / 1000;
    (format_date(ms), secs / 3600, secs / 60 % 60, secs % 60, day_ms % 1000)
}

fn digits(b: &[u8], at: usize, n: usize) -> Option<i64> {
    let s = b.get(at..at + n)?;
    s.iter().try_fold(0i64, |acc, c| c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0')))
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Milliseconds at midnight UTC of a proleptic Gregorian date.
fn civil_ms(y: i64, m: i64, d: i64) -> i64 {
    days_from_civil(y, m, d) * MS_PER_DAY
}

// Howard Hinnant's days_from_civil / civil_from_days.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = MS_PER_DAY;

    #[test]
    fn precisions() {
        assert_eq!(bounds("1970").unwrap(), (0, 365 * DAY));
        assert_eq!(bounds("1970-02").unwrap(), (31 * DAY, 59 * DAY));
        assert_eq!(bounds("1970-12").unwrap(), (334 * DAY, 365 * DAY));
        assert_eq!(bounds("1970-01-02").unwrap(), (DAY, 2 * DAY));
        assert_eq!(bounds("1970-01-01T00:00:01Z").unwrap(), (1000, 2000));
        assert_eq!(bounds("1970-01-01T00:00:01.5Z").unwrap(), (1500, 1600));
        assert_eq!(bounds("1970-01-01T00:00:01.25Z").unwrap(), (1250, 1260));
        assert_eq!(bounds("1970-01-01T00:00:01.125Z").unwrap(), (1125, 1126));
        assert_eq!(bounds("1970-01-01T00:00:01.1259Z").unwrap(), (1125, 1126));
        assert_eq!(bounds("1970-01-01T01:00:00+01:00").unwrap(), (0, 1000));
        assert_eq!(bounds("1969-12-31T23:00:00-01:00").unwrap(), (0, 1000));
        assert_eq!(bounds("1964-01-01").unwrap().0, -6 * 365 * DAY - 2 * DAY);
        // The smartonfhir example's instants.
        assert_eq!(bounds("2016-06-23T17:02:33+10:00").unwrap().0, 1_466_665_353_000);
    }

    #[test]
    fn malformed() {
        for bad in [
            "",
            "197",
            "19700",
            "0000",
            "1970-13",
            "1970-00",
            "1970-1",
            "1970-02-30",
            "1970-01-01T",
            "1970-01-01T00:00Z",
            "1970-01-01T00:00:00",
            "1970-01-01T24:00:00Z",
            "1970-01-01T00:60:00Z",
            "1970-01-01T00:00:00.Z",
            "1970-01-01T00:00:00+15:00",
            "1970-01-01T00:00:00+01",
            "1970-01-01 00:00:00Z",
            "1970-01-01T00:00:00Zx",
            "１９７０",
            "1970-01-01T00:00:00.1234567890Z",
        ] {
            let e = bounds(bad).unwrap_err();
            assert_eq!(e.code(), ErrorCode::ConsentInvalid, "{bad}");
        }
        assert!(bounds("2000-02-29").is_ok() && bounds("1900-02-29").is_err());
    }

    #[test]
    fn formatting_round_trips() {
        let cases = [
            0i64,
            DAY,
            1000,
            1001,
            -1,
            -DAY,
            -1_999,
            1_466_665_353_000,
            1_466_665_353_123,
            253_402_300_799_000,
            START_OF_FHIR_TIME + 1,
        ];
        for ms in cases {
            let (start, end) = (format_start(ms).unwrap(), format_end(ms).unwrap());
            assert_eq!(bounds(&start).unwrap().0, ms, "{start}");
            assert_eq!(bounds(&end).unwrap().1, ms, "{end}");
        }
        assert_eq!(format_start(DAY).unwrap(), "1970-01-02");
        assert_eq!(format_end(DAY).unwrap(), "1970-01-01");
        assert_eq!(format_end(0).unwrap(), "1969-12-31");
        assert_eq!(format_start(-DAY).unwrap(), "1969-12-31");
        assert_eq!(format_start(1500).unwrap(), "1970-01-01T00:00:01.500Z");
        assert_eq!(format_start(-500).unwrap(), "1969-12-31T23:59:59.500Z");
        assert_eq!(format_start(2000).unwrap(), "1970-01-01T00:00:02Z");
        assert_eq!(format_end(2000).unwrap(), "1970-01-01T00:00:01Z");
        assert_eq!(format_end(END_OF_FHIR_TIME).unwrap(), "9999-12-31");
        assert_eq!(format_start(START_OF_FHIR_TIME).unwrap(), "0001-01-01");
        assert!(format_start(END_OF_FHIR_TIME).is_err() && format_start(START_OF_FHIR_TIME - 1).is_err());
        assert!(format_end(i64::MAX).is_err() && format_end(START_OF_FHIR_TIME).is_err());
        assert_eq!(bounds("9999-12-31").unwrap().1, END_OF_FHIR_TIME);
        assert_eq!(bounds("0001").unwrap().0, START_OF_FHIR_TIME);
    }
}
