//! People's text made safe to show: bidirectional control characters
//! revealed (see [`crate::components::UserText`], which also isolates it).
//! Plain functions, so the store and the lists can use them below the
//! components layer. Also the portal's names for resource types.

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
}
