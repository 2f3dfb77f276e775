//! Repairing UTF-8 text that was once decoded as Windows-1252 (or Latin-1)
//! and saved again as UTF-8: `â€”` back to `—`, `ðŸ”´` back to `🔴`.

/// The Windows-1252 characters of bytes 0x80 to 0x9F (`None`: undefined,
/// which Latin-1 decoders pass through as U+0080 to U+009F).
const CP1252_HIGH: [Option<char>; 32] = [
    Some('€'),
    None,
    Some('‚'),
    Some('ƒ'),
    Some('„'),
    Some('…'),
    Some('†'),
    Some('‡'),
    Some('ˆ'),
    Some('‰'),
    Some('Š'),
    Some('‹'),
    Some('Œ'),
    None,
    Some('Ž'),
    None,
    None,
    Some('‘'),
    Some('’'),
    Some('“'),
    Some('”'),
    Some('•'),
    Some('–'),
    Some('—'),
    Some('˜'),
    Some('™'),
    Some('š'),
    Some('›'),
    Some('œ'),
    None,
    Some('ž'),
    Some('Ÿ'),
];

/// The byte a character stood for before the mis-decoding, if any.
fn byte_of(c: char) -> Option<u8> {
    let code = u32::from(c);
    if code < 0x80 || (0xA0..=0xFF).contains(&code) || (0x80..=0x9F).contains(&code) {
        return u8::try_from(code).ok();
    }
    CP1252_HIGH
        .iter()
        .position(|&m| m == Some(c))
        .and_then(|i| u8::try_from(0x80 + i).ok())
}

/// Replaces every run of characters that spells out the bytes of one valid
/// multi-byte UTF-8 character with that character. Anything else, including
/// correct UTF-8 text, is left as it is. Returns the text and how many
/// characters were repaired.
pub(crate) fn repair(text: &str) -> (String, usize) {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut repaired = 0;
    let mut i = 0;
    while i < chars.len() {
        if let Some((c, used)) = decode_at(&chars[i..]) {
            out.push(c);
            repaired += 1;
            i += used;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    (out, repaired)
}

/// The character whose UTF-8 bytes `chars` starts with, and how many
/// characters that took.
fn decode_at(chars: &[char]) -> Option<(char, usize)> {
    let lead = byte_of(*chars.first()?)?;
    let len = match lead {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return None,
    };
    let mut bytes = vec![lead];
    for &c in chars.get(1..len)? {
        let b = byte_of(c)?;
        if !(0x80..=0xBF).contains(&b) {
            return None;
        }
        bytes.push(b);
    }
    let decoded = std::str::from_utf8(&bytes).ok()?;
    decoded.chars().next().map(|c| (c, len))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repairs_dashes_and_emoji() {
        assert_eq!(repair("Compliance â€” backlog").0, "Compliance — backlog");
        assert_eq!(
            repair("ðŸ”´ High, ðŸŸ¡ Medium, ðŸŸ¢ Low").0,
            "🔴 High, 🟡 Medium, 🟢 Low"
        );
        assert_eq!(repair("5.24â€“5.28"), ("5.24–5.28".to_string(), 1));
    }

    #[test]
    fn leaves_correct_text_alone() {
        for text in [
            "Diátaxis",
            "— 🔴 ✅",
            "plain ascii",
            "Ã alone",
            "naïve café",
        ] {
            assert_eq!(repair(text), (text.to_string(), 0), "{text}");
        }
    }
}
