//! The board's first page, `/board/:id`: the priorities, the resource plan and the members.

use leptos::prelude::*;

use super::{board::BoardContext, priorities::Priorities, resource_plan::ResourcePlan};
use crate::components::{blame::FieldStory, members::MembersPanel};

#[component]
pub fn OverviewPage() -> impl IntoView {
    let board = BoardContext::get();
    view! {
        <Priorities board/>
        <FieldStory board/>
        <ResourcePlan board/>
        <MembersPanel access=board.access/>
    }
}
