//! "Changed by two people": the one sign every page puts beside a field two members set apart
//! (a score or contribution cell, a weight, a risk's impact, a person's capacity, a milestone's
//! forecast). `shared` finds the conflict ([`FieldConflict`]: the value every replica shows and
//! the values that lost); the sign shows the values that lost, and its title and accessible
//! name say which value won. It disappears when someone sets the field again.

use leptos::prelude::*;
use shared::board::FieldConflict;

use crate::i18n::*;

/// The sign for one field, or nothing while the field holds one value.
///
/// `conflict` is read reactively; a page words the values first when the board keeps them as
/// codes (a ROAM state, a date) so that the sign speaks the reader's language.
#[component]
pub fn ConflictSign(
    #[prop(into)] conflict: Signal<Option<FieldConflict>>,
    /// For tests: the sign's `data-testid` (`conflict` by default).
    #[prop(optional, into)]
    testid: Option<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let testid = testid.unwrap_or_else(|| "conflict".into());
    move || {
        conflict.get().map(|conflict| {
            let (winner, others) = (conflict.winner.clone(), conflict.others.join(", "));
            let text = tr!(i18n, components.changed_by_two, winner, others).to_string();
            view! {
                <span class="conflict cell-conflict" data-testid=testid.clone() data-field=conflict.field.clone()
                    title=text.clone() aria-label=text role="note">
                    {format!("⚑ {others}")}
                </span>
            }
        })
    }
}

/// The conflict on `field` among an entity's conflicts, if there is one.
pub fn on_field(conflicts: &[FieldConflict], field: &str) -> Option<FieldConflict> {
    conflicts.iter().find(|conflict| conflict.field == field).cloned()
}
