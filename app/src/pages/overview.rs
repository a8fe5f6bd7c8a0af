//! The board's first page, `/board/:id`: the priorities (each field with its story, see
//! [`crate::components::blame`]), the resource plan and the members.

use leptos::prelude::*;

use super::{priorities::Priorities, resource_plan::ResourcePlan};
use crate::components::{blame::Stories, board_context::BoardContext, members::MembersPanel};

#[component]
pub fn OverviewPage() -> impl IntoView {
    let board = BoardContext::get();
    // One field's story open at a time in the priorities, one look-up of names for them all.
    Stories::provide();
    view! {
        <Priorities board/>
        <ResourcePlan board/>
        <MembersPanel access=board.access/>
    }
}
