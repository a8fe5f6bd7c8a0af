//! The settings page (设置): what the owner sets. The one thing to work out here is the id of a
//! new stage-gate checklist item, made from its label.

/// A checklist item's id from its label: lower-case ASCII letters and digits, words joined by
/// `-`, at most 40 characters ("Business case approved" → `business-case-approved`). `None`
/// when the label has no ASCII letter or digit (a label only in Chinese): the caller picks an
/// id of its own then.
pub fn item_id(label: &str) -> Option<String> {
    let mut id = String::new();
    for character in label.chars() {
        if character.is_ascii_alphanumeric() {
            id.push(character.to_ascii_lowercase());
        } else if !id.is_empty() && !id.ends_with('-') {
            id.push('-');
        }
        if id.len() >= 40 {
            break;
        }
    }
    let id = id.trim_end_matches('-').to_owned();
    (!id.is_empty()).then_some(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_item_id_is_made_from_its_label() {
        let cases = [
            ("Business case approved", Some("business-case-approved")),
            ("  Risk register (v2) 风险登记册 ", Some("risk-register-v2")),
            ("a/b", Some("a-b")),
            ("风险登记册", None),
            ("", None),
        ];
        for (label, expected) in cases {
            assert_eq!(item_id(label).as_deref(), expected, "{label}");
        }
        assert_eq!(item_id(&"x".repeat(60)).unwrap().len(), 40);
    }
}
