//! Widgets that several pages share.

pub mod account_menu;
pub mod field;
pub mod files;
pub mod header;
pub mod members;
pub mod restore;
pub mod rule_warnings;

use shared::api::Role;

/// A role as a badge: the English name, and the Chinese term marked as Chinese (for screen
/// readers' voices and for fonts).
pub fn role_badge(role: Role) -> impl leptos::IntoView {
    use leptos::prelude::*;
    let (english, chinese) = match role {
        Role::Owner => ("Owner", "所有者"),
        Role::Editor => ("Editor", "编辑者"),
        Role::Viewer => ("Viewer", "查看者"),
    };
    view! { <span class="role" data-role=role.as_str()>{english} " " <span lang="zh">{chinese}</span></span> }
}

/// How a role reads in the app, with the Chinese term, as plain text (an `<option>` can hold
/// no markup).
pub fn role_label(role: Role) -> &'static str {
    match role {
        Role::Owner => "Owner 所有者",
        Role::Editor => "Editor 编辑者",
        Role::Viewer => "Viewer 查看者",
    }
}
