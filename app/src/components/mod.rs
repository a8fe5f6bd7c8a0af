//! Widgets that several pages share.

pub mod account_menu;
pub mod field;
pub mod header;
pub mod members;
pub mod rule_warnings;

use shared::api::Role;

/// How a role reads in the app, with the Chinese term.
pub fn role_label(role: Role) -> &'static str {
    match role {
        Role::Owner => "Owner 所有者",
        Role::Editor => "Editor 编辑者",
        Role::Viewer => "Viewer 查看者",
    }
}
