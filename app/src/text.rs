//! People's text made safe to show: bidirectional control characters
//! revealed (see [`crate::components::UserText`], which also isolates it).
//! Plain functions, so the store and the lists can use them below the
//! components layer. Also the portal's names for resource types, and a
//! file's bytes decoded as they arrive.

use std::borrow::Cow;

/// Unicode's Bidi_Control characters: the embeddings, overrides and isolates
/// and the implicit marks (ALM, LRM, RLM).
pub const BIDI_CONTROLS: [char; 12] = [
    '\u{061C}', '\u{200E}', '\u{200F}', '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}',
    '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}',
];

/// `text` with every bidirectional control character replaced by a visible
/// mark such as `[U+202E]`; unchanged (and not copied) when it has none.
pub fn reveal(text: &str) -> Cow<'_, str> {
    if !text.contains(BIDI_CONTROLS) {
        return Cow::Borrowed(text);
    }
    let mut shown = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if BIDI_CONTROLS.contains(&c) {
            shown.push_str(&format!("[U+{:04X}]", u32::from(c)));
        } else {
            shown.push(c);
        }
    }
    Cow::Owned(shown)
}

/// The portal's name for a resource type.
pub fn short_type(resource_type: &str) -> &str {
    match resource_type {
        "Microsoft.Compute/galleries" => "Azure compute gallery",
        "Microsoft.Compute/galleries/images" => "VM image definition",
        "Microsoft.Compute/galleries/images/versions" => "VM image version",
        "Microsoft.Compute/images" => "managed image",
        "Microsoft.Compute/snapshots" => "snapshot",
        "Microsoft.Compute/disks" => "managed disk",
        "Microsoft.Compute/virtualMachines" => "virtual machine",
        "Source" => "image source",
        "ResourceGroup" => "resource group",
        "Subscription" => "subscription",
        "Tenant" => "tenant",
        other => other,
    }
}

/// A file's text decoded from its bytes as they arrive, chunk by chunk, as the browser's
/// `Blob.text()` decodes it whole (UTF-8; a byte-order mark dropped; an invalid sequence
/// becomes U+FFFD): a 103 MB file turned into a string in one go was a task of over half a
/// second.
#[derive(Debug, Default)]
pub struct Utf8Text {
    text: String,
    /// The first bytes of a character the chunk so far ended in.
    pending: Vec<u8>,
    /// Whether the first character was decoded (a byte-order mark counts only there).
    started: bool,
}

impl Utf8Text {
    /// Ready for a file of about `size` bytes.
    pub fn with_capacity(size: usize) -> Utf8Text {
        Utf8Text {
            text: String::with_capacity(size),
            ..Utf8Text::default()
        }
    }

    /// Decodes the next `chunk` of the file.
    pub fn push(&mut self, chunk: &[u8]) {
        if chunk.is_empty() {
            return;
        }
        let joined;
        let bytes = if self.pending.is_empty() {
            chunk
        } else {
            self.pending.extend_from_slice(chunk);
            joined = std::mem::take(&mut self.pending);
            &joined[..]
        };
        self.decode(bytes);
        // A byte-order mark is the file's first character only.
        if !self.started && !self.text.is_empty() {
            self.started = true;
            if self.text.starts_with('\u{FEFF}') {
                self.text.drain(..'\u{FEFF}'.len_utf8());
            }
        }
    }

    /// Appends `bytes`, keeping a cut-off last character for the next chunk.
    fn decode(&mut self, mut bytes: &[u8]) {
        loop {
            match std::str::from_utf8(bytes) {
                Ok(text) => {
                    self.text.push_str(text);
                    return;
                }
                Err(e) => {
                    let (valid, after) = bytes.split_at(e.valid_up_to());
                    self.text
                        .push_str(std::str::from_utf8(valid).unwrap_or_default());
                    match e.error_len() {
                        Some(len) => {
                            self.text.push(char::REPLACEMENT_CHARACTER);
                            bytes = &after[len..];
                        }
                        // A character cut by the chunk's end: finished by the next chunk.
                        None => {
                            self.pending.extend_from_slice(after);
                            return;
                        }
                    }
                }
            }
        }
    }

    /// The text, once every chunk was pushed (a character cut off at the end is U+FFFD).
    pub fn finish(mut self) -> String {
        if !self.pending.is_empty() {
            self.text.push(char::REPLACEMENT_CHARACTER);
        }
        self.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_override_is_shown_not_obeyed() {
        assert_eq!(reveal("\u{202E}gnp.exe"), "[U+202E]gnp.exe");
        assert_eq!(
            reveal("a\u{2066}b\u{2069}\u{200F}"),
            "a[U+2066]b[U+2069][U+200F]"
        );
    }

    #[test]
    fn ordinary_and_right_to_left_text_is_left_alone() {
        assert!(matches!(reveal("Contoso Admin"), Cow::Borrowed(_)));
        assert_eq!(reveal("مرحبا Ünïcode"), "مرحبا Ünïcode");
    }

    /// Chunks cut anywhere, even inside a character, decode as the whole does; a byte-order
    /// mark is dropped once, invalid bytes become U+FFFD, a cut-off last character too.
    #[test]
    fn chunks_decode_as_the_whole_file_does() {
        let mut file = "\u{FEFF}{\"a\":\"é€😀\u{FEFF}\"}".as_bytes().to_vec();
        file.extend_from_slice(b"\xff\xc3(");
        file.extend_from_slice("ü".as_bytes());
        let whole = {
            let mut t = Utf8Text::default();
            t.push(&file);
            t.finish()
        };
        let lossy = String::from_utf8_lossy(&file);
        assert_eq!(whole, lossy.strip_prefix('\u{FEFF}').unwrap());
        for size in 1..=5 {
            let mut t = Utf8Text::with_capacity(file.len());
            for chunk in file.chunks(size) {
                t.push(chunk);
            }
            assert_eq!(t.finish(), whole, "chunks of {size}");
        }
        let mut cut = Utf8Text::default();
        cut.push("ok€".as_bytes().split_last().unwrap().1);
        assert_eq!(cut.finish(), "ok\u{FFFD}");
    }
}
