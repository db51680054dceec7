//! The app's clock. The core never reads one: the shell passes the time in.

use time::OffsetDateTime;

/// Now, from the browser's clock.
pub fn now() -> OffsetDateTime {
    let millis = js_sys::Date::now();
    OffsetDateTime::from_unix_timestamp_nanos(millis as i128 * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// A short local-independent stamp for notifications and file names (UTC).
pub fn stamp(at: OffsetDateTime) -> String {
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

/// [`stamp`] for file names: `20250102-030405` (UTC).
pub fn compact(at: OffsetDateTime) -> String {
    stamp(at)
        .trim_end_matches(" UTC")
        .replace(['-', ':'], "")
        .replacen(' ', "-", 1)
}
