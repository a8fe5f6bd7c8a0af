//! Every kind of change, described in PMO words; the expected lines are written by hand.

use automerge::ChangeHash;

use super::*;
use crate::board::{
    CriterionId, DecisionId, DecisionKind, MilestoneId, NewPerson, NewProject, NewRisk, ObjectiveId, Phase, Stamp,
};
use crate::{risk::Roam, scoring::Direction, Board, IsoWeek, PersonId, ProjectId, Stage};

fn project(name: &str, budget: f64) -> NewProject {
    NewProject { name: name.into(), stage: Stage::Proposed, budget }
}

/// A board with Apollo, Zeus and Hermes (in that order) and Li Wei.
fn portfolio() -> (Board, [ProjectId; 3], PersonId) {
    let mut board = Board::new("2027 portfolio").unwrap();
    let ids = [ProjectId::random(), ProjectId::random(), ProjectId::random()];
    for (id, name) in ids.iter().zip(["Apollo", "Zeus", "Hermes"]) {
        board.add_project(id.clone(), project(name, 100_000.0)).unwrap();
    }
    let li = PersonId::random();
    board.add_person(li.clone(), NewPerson::named("Li Wei", 40.0)).unwrap();
    (board, ids, li)
}

fn last(board: &mut Board) -> ChangeHash {
    let heads = board.heads();
    assert_eq!(heads.len(), 1, "one line of history");
    heads[0]
}

/// Makes `edit` and describes the change it committed.
fn described(board: &mut Board, edit: impl FnOnce(&mut Board)) -> ChangeSummary {
    edit(board);
    let hash = last(board);
    board.describe_change(&hash).expect("the board holds its own change")
}

fn text(board: &mut Board, edit: impl FnOnce(&mut Board)) -> String {
    described(board, edit).text
}

#[test]
fn creating_a_board_and_adding_a_project() {
    let mut board = Board::new("2027 portfolio").unwrap();
    let created = last(&mut board);
    assert_eq!(board.describe_change(&created).unwrap().text, "created the board “2027 portfolio”");
    let id = ProjectId::random();
    let summary = described(&mut board, |b| b.add_project(id.clone(), project("Apollo", 5.0)).unwrap());
    assert_eq!(summary.text, "added project Apollo");
    assert_eq!(summary.projects, vec![id.to_string()], "the project is named for filtering");
}

#[test]
fn moves_name_the_new_neighbour() {
    let (mut board, [apollo, zeus, hermes], _) = portfolio();
    // Hermes to the top: now above Apollo.
    assert_eq!(text(&mut board, |b| b.move_project(&hermes, 0).unwrap()), "moved Hermes above Apollo");
    // Order Hermes, Apollo, Zeus. Apollo to the bottom: below Zeus.
    let summary = described(&mut board, |b| b.move_project(&apollo, 2).unwrap());
    assert_eq!(summary.text, "moved Apollo below Zeus");
    assert_eq!(summary.projects, vec![apollo.to_string()]);
    // Order Hermes, Zeus, Apollo. Apollo up one: above Zeus.
    assert_eq!(text(&mut board, |b| b.move_project(&apollo, 1).unwrap()), "moved Apollo above Zeus");
    let _ = zeus;
}

#[test]
fn a_history_entry_describes_its_own_change_whatever_came_later() {
    let (mut board, [apollo, zeus, _], _) = portfolio();
    board.set_project_budget(&apollo, 250_000.0).unwrap();
    let budget_change = last(&mut board);
    board.rename_project(&zeus, "Zeus II").unwrap();
    board.set_project_budget(&apollo, 1.0).unwrap();
    assert_eq!(board.describe_change(&budget_change).unwrap().text, "set Apollo's budget to 250,000");
}

#[test]
fn project_fields() {
    let (mut board, [apollo, ..], _) = portfolio();
    assert_eq!(
        text(&mut board, |b| b.set_project_budget(&apollo, 250_000.0).unwrap()),
        "set Apollo's budget to 250,000"
    );
    assert_eq!(text(&mut board, |b| b.set_project_budget(&apollo, 1234.5).unwrap()), "set Apollo's budget to 1,234.5");
    assert_eq!(
        text(&mut board, |b| b.set_project_stage(&apollo, Stage::OnHold).unwrap()),
        "set Apollo's stage to on hold"
    );
    assert_eq!(
        text(&mut board, |b| b.set_project_phase(&apollo, Phase::Execution).unwrap()),
        "set Apollo's phase to execution"
    );
    assert_eq!(
        text(&mut board, |b| b.set_project_people(&apollo, "Wang Fang", "Zhang Min").unwrap()),
        "set Apollo's manager to Zhang Min; set Apollo's sponsor to Wang Fang"
    );
    assert_eq!(
        text(&mut board, |b| b.rename_project(&apollo, "Apollo 2").unwrap()),
        "renamed project Apollo to Apollo 2"
    );
}

#[test]
fn deleting_a_project_names_it_as_it_was() {
    let (mut board, [_, zeus, _], _) = portfolio();
    let summary = described(&mut board, |b| b.delete_project(&zeus).unwrap());
    assert_eq!(summary.text, "deleted project Zeus");
    assert_eq!(summary.projects, vec![zeus.to_string()]);
}

#[test]
fn bookings_and_people() {
    let (mut board, [apollo, ..], li) = portfolio();
    let week: IsoWeek = "2027-W03".parse().unwrap();
    let summary = described(&mut board, |b| b.set_allocation(&apollo, &li, week, 16.0).unwrap());
    assert_eq!(summary.text, "booked Li Wei 16 h in 2027-W03 on Apollo");
    assert_eq!(summary.projects, vec![apollo.to_string()]);
    assert_eq!(
        text(&mut board, |b| b.set_allocation(&apollo, &li, week, 0.0).unwrap()),
        "cleared Li Wei's booking in 2027-W03 on Apollo"
    );
    assert_eq!(text(&mut board, |b| b.set_capacity(&li, 32.0).unwrap()), "set Li Wei's capacity to 32 h a week");
    assert_eq!(
        text(&mut board, |b| b.set_time_off(&li, week, 8.0).unwrap()),
        "set Li Wei's time off in 2027-W03 to 8 h"
    );
    assert_eq!(text(&mut board, |b| b.rename_person(&li, "Li Wei (PMO)").unwrap()), "renamed Li Wei to Li Wei (PMO)");
    assert_eq!(text(&mut board, |b| b.set_skill(&li, "rust", true).unwrap()), "gave Li Wei (PMO) the skill rust");
    let zhang = PersonId::random();
    assert_eq!(
        text(&mut board, |b| b.add_person(zhang.clone(), NewPerson::named("Zhang Min", 40.0)).unwrap()),
        "added Zhang Min to the people"
    );
}

#[test]
fn scores_dependencies_and_gates() {
    let (mut board, [apollo, zeus, _], _) = portfolio();
    let fit = CriterionId::random();
    assert_eq!(
        text(&mut board, |b| b.add_criterion(fit.clone(), "Strategic fit", 1.0, Direction::HigherIsBetter).unwrap()),
        "added criterion Strategic fit"
    );
    assert_eq!(
        text(&mut board, |b| b.set_score(&apollo, &fit, Some(4.0)).unwrap()),
        "scored Apollo 4 on Strategic fit"
    );
    let growth = ObjectiveId::random();
    board.add_objective(growth.clone(), "Growth", 1.0).unwrap();
    assert_eq!(
        text(&mut board, |b| b.set_contribution(&apollo, &growth, 0.5).unwrap()),
        "set Apollo's contribution to Growth to 0.5"
    );
    assert_eq!(text(&mut board, |b| b.add_dependency(&apollo, &zeus).unwrap()), "made Apollo depend on Zeus");
    assert_eq!(text(&mut board, |b| b.remove_dependency(&apollo, &zeus).unwrap()), "Apollo no longer depends on Zeus");
    let item = board.gate_template().into_iter().next().expect("the standard template");
    let stamp = Stamp { by: "Wang Fang".into(), at_ms: 1_790_000_000_000 };
    assert_eq!(
        text(&mut board, |b| b.tick_gate(&apollo, item.phase, &item.item, stamp).unwrap()),
        format!("ticked “{}” ({}) for Apollo", item.label, item.phase.as_str())
    );
}

#[test]
fn registers_and_settings() {
    let (mut board, [apollo, ..], _) = portfolio();
    let risk = NewRisk {
        title: "Vendor late".into(),
        probability: 3,
        impact: 4,
        owner: "Li".into(),
        mitigation: "Second vendor".into(),
        roam: Roam::Owned,
    };
    let risk_id = crate::board::RiskId::random();
    assert_eq!(
        text(&mut board, |b| b.add_risk(risk_id.clone(), &apollo, risk.clone()).unwrap()),
        "added risk “Vendor late” to Apollo"
    );
    let worse = NewRisk { impact: 5, ..risk };
    let summary = described(&mut board, |b| b.update_risk(&risk_id, worse).unwrap());
    assert_eq!(summary.text, "edited risk “Vendor late”");
    assert_eq!(summary.projects, vec![apollo.to_string()], "a risk's edit counts for its project");
    let milestone = MilestoneId::random();
    let due = "2027-03-01".parse().unwrap();
    assert_eq!(
        text(&mut board, |b| b.add_milestone(milestone.clone(), &apollo, "Go-live", due).unwrap()),
        "added milestone “Go-live” to Apollo"
    );
    assert_eq!(
        text(&mut board, |b| b.set_milestone_done(&milestone, Some("2027-02-27".parse().unwrap())).unwrap()),
        "marked milestone “Go-live” done on 2027-02-27"
    );
    assert_eq!(
        text(&mut board, |b| b.set_milestone_forecast(&milestone, Some("2027-03-15".parse().unwrap())).unwrap()),
        "forecast milestone “Go-live” on 2027-03-15"
    );
    assert_eq!(
        text(&mut board, |b| b.set_milestone_forecast(&milestone, None).unwrap()),
        "cleared the forecast of milestone “Go-live”"
    );
    let stamp = Stamp { by: "Wang Fang".into(), at_ms: 1_790_000_000_000 };
    assert_eq!(
        text(&mut board, |b| b
            .record_decision(DecisionId::random(), DecisionKind::PutOnHold, Some(&apollo), "no budget", stamp)
            .unwrap()),
        "recorded a decision: put on hold Apollo"
    );
    assert_eq!(
        text(&mut board, |b| b.set_budget_envelope(Some(1_000_000.0)).unwrap()),
        "set the budget envelope to 1,000,000"
    );
    assert_eq!(text(&mut board, |b| b.set_currency("EUR").unwrap()), "set the currency to EUR");
    assert_eq!(text(&mut board, |b| b.rename("2028 portfolio").unwrap()), "renamed the board to “2028 portfolio”");
}

#[test]
fn a_change_of_many_things_names_three_and_counts_the_rest() {
    let (mut board, [apollo, ..], li) = portfolio();
    let mut other = board.fork();
    for week in ["2027-W01", "2027-W02", "2027-W03", "2027-W04", "2027-W05"] {
        other.set_allocation(&apollo, &li, week.parse().unwrap(), 8.0).unwrap();
    }
    // Five separate changes: each names one week.
    let heads = other.heads();
    let summary = other.describe_change(&heads[0]).unwrap();
    assert_eq!(summary.text, "booked Li Wei 8 h in 2027-W05 on Apollo");
    // A hand-made change of five cells at once.
    let mut doc = automerge::AutoCommit::load(&board.save()).unwrap();
    use automerge::transaction::Transactable;
    let (_, allocations) = automerge::ReadDoc::get(&doc, automerge::ROOT, "allocations").unwrap().unwrap();
    for week in 1..=5 {
        doc.put(&allocations, format!("{apollo}/{li}/2027-W0{week}"), 8.0).unwrap();
    }
    let hash = doc.commit().unwrap();
    let summary = describe_change(doc.document(), &hash).unwrap();
    assert_eq!(
        summary.text,
        "booked Li Wei 8 h in 2027-W01 on Apollo; booked Li Wei 8 h in 2027-W02 on Apollo; \
         booked Li Wei 8 h in 2027-W03 on Apollo and 2 more"
    );
}

#[test]
fn an_unknown_change_has_no_summary() {
    let (mut board, ..) = portfolio();
    let mut elsewhere = Board::new("Other").unwrap();
    let foreign = last(&mut elsewhere);
    assert_eq!(board.describe_change(&foreign), None);
}

#[test]
fn numbers_are_written_as_a_pmo_writes_them() {
    assert_eq!(format_number(250_000.0), "250,000");
    assert_eq!(format_number(1_234_567.891), "1,234,567.89");
    assert_eq!(format_number(0.5), "0.5");
    assert_eq!(format_number(16.0), "16");
    assert_eq!(format_number(-1500.25), "-1,500.25");
    assert_eq!(format_number(999.0), "999");
}

fn entry(account: Option<&str>, received_at_ms: i64, made_at_ms: Option<i64>, projects: &[&str]) -> HistoryEntry {
    HistoryEntry {
        hash: format!("h{received_at_ms}"),
        account_id: account.map(str::to_owned),
        account_name: account.unwrap_or("PMO Board").to_owned(),
        made_at_ms,
        received_at_ms,
        summary: String::new(),
        projects: projects.iter().map(|p| p.to_string()).collect(),
    }
}

const MINUTE: i64 = 60_000;

#[test]
fn consecutive_edits_of_one_member_are_one_session() {
    // Newest first: Li twice, Wang, Li twice more with an hour between them.
    let entries = [
        entry(Some("li"), 200 * MINUTE, None, &[]),
        entry(Some("li"), 190 * MINUTE, None, &[]),
        entry(Some("wang"), 185 * MINUTE, None, &[]),
        entry(Some("li"), 180 * MINUTE, None, &[]),
        entry(Some("li"), 100 * MINUTE, None, &[]),
    ];
    let sessions = group_sessions(&entries);
    let shape: Vec<(&str, usize, i64, i64)> = sessions
        .iter()
        .map(|s| (s.account_name.as_str(), s.entries.len(), s.from_ms / MINUTE, s.to_ms / MINUTE))
        .collect();
    assert_eq!(shape, [("li", 2, 190, 200), ("wang", 1, 185, 185), ("li", 1, 180, 180), ("li", 1, 100, 100)]);
    assert!(group_sessions(&[]).is_empty());
}

#[test]
fn filters_by_member_and_project() {
    let entries = [
        entry(Some("li"), 3, None, &["apollo"]),
        entry(Some("wang"), 2, None, &["apollo", "zeus"]),
        entry(None, 1, None, &[]),
    ];
    let hashes = |list: Vec<HistoryEntry>| list.into_iter().map(|e| e.hash).collect::<Vec<_>>();
    assert_eq!(hashes(filter_entries(&entries, None, None)), ["h3", "h2", "h1"]);
    assert_eq!(hashes(filter_entries(&entries, Some(Some("wang")), None)), ["h2"]);
    assert_eq!(hashes(filter_entries(&entries, Some(None), None)), ["h1"], "the server's own changes");
    assert_eq!(hashes(filter_entries(&entries, None, Some("apollo"))), ["h3", "h2"]);
    assert_eq!(hashes(filter_entries(&entries, Some(Some("li")), Some("zeus"))), Vec::<String>::new());
}

#[test]
fn both_times_are_shown_only_when_they_differ() {
    let received = 1_000 * MINUTE;
    assert_eq!(entry(Some("li"), received, Some(received - 30_000), &[]).made_offline_at(), None, "30 s: online");
    let days_ago = received - 3 * 24 * 60 * MINUTE;
    assert_eq!(entry(Some("li"), received, Some(days_ago), &[]).made_offline_at(), Some(days_ago));
    assert_eq!(entry(Some("li"), received, None, &[]).made_offline_at(), None);
}

#[test]
fn a_device_lists_its_recent_changes_without_accounts() {
    let (mut board, [apollo, ..], _) = portfolio();
    board.set_project_budget(&apollo, 7.0).unwrap();
    let recent = board.recent_changes(2);
    assert_eq!(recent.len(), 2);
    assert_eq!(recent[0].summary.text, "set Apollo's budget to 7");
    assert_eq!(recent[1].summary.text, "added Li Wei to the people");
    assert_eq!(recent[0].made_at_ms, None, "no clock was set in tests");
    assert_eq!(recent[0].actor.len(), 32, "an actor id is 16 bytes of hex");
}

/// `recent_changes` as it was: every change of the replica rebuilt (`get_changes`), the last
/// `limit` kept, newest first.
fn recent_changes_from_all(board: &mut Board, limit: usize) -> Vec<LocalChange> {
    let doc = board.automerge().clone();
    doc.get_changes(&[])
        .iter()
        .rev()
        .take(limit)
        .map(|change| LocalChange {
            hash: change.hash().to_string(),
            actor: change.actor_id().to_hex_string(),
            made_at_ms: (change.timestamp() > 0).then(|| change.timestamp() * 1000),
            summary: describe_change(&doc, &change.hash()).unwrap(),
        })
        .collect()
}

#[test]
fn recent_changes_are_the_newest_applied_across_concurrent_branches() {
    // Three devices edit apart (one offline for longer), then merge in an order that is not
    // the order the changes were made in: the newest applied come first, whichever branch
    // they belong to, exactly as when every change was rebuilt to find them.
    let (mut board, [apollo, zeus, hermes], li) = portfolio();
    let mut laptop = board.fork();
    let mut phone = board.fork();
    for (index, week) in ["2027-W01", "2027-W02", "2027-W03"].iter().enumerate() {
        laptop.set_allocation(&apollo, &li, week.parse().unwrap(), 8.0 + index as f64).unwrap();
        board.set_project_budget(&zeus, 1_000.0 * (index + 1) as f64).unwrap();
    }
    phone.move_project(&hermes, 0).unwrap();
    phone.rename_project(&apollo, "Apollo II").unwrap();
    board.merge(&mut phone).unwrap();
    board.set_project_budget(&hermes, 42.0).unwrap();
    board.merge(&mut laptop).unwrap();
    laptop.merge(&mut board).unwrap();
    laptop.move_project(&zeus, 0).unwrap();
    board.merge(&mut laptop).unwrap();
    assert_eq!(board.heads().len(), 1, "merged into one line again");
    for limit in [0, 1, 4, 9, 50] {
        let recent = board.recent_changes(limit);
        assert_eq!(recent, recent_changes_from_all(&mut board, limit), "the newest {limit}");
    }
    let texts: Vec<String> = board.recent_changes(5).into_iter().map(|change| change.summary.text).collect();
    assert_eq!(
        texts,
        [
            // Hermes, Apollo II, Zeus then.
            "moved Zeus above Hermes",
            // Booked on the laptop before it had the phone's rename: named as it was then.
            "booked Li Wei 10 h in 2027-W03 on Apollo",
            "booked Li Wei 9 h in 2027-W02 on Apollo",
            "booked Li Wei 8 h in 2027-W01 on Apollo",
            "set Hermes's budget to 42",
        ]
    );
    // Concurrent heads: the newest applied comes first all the same.
    phone.set_project_budget(&apollo, 7.0).unwrap();
    board.set_project_budget(&zeus, 8.0).unwrap();
    board.merge(&mut phone).unwrap();
    assert_eq!(board.heads().len(), 2);
    assert_eq!(board.recent_changes(20), recent_changes_from_all(&mut board, 20));
}

#[test]
fn a_summary_keeps_its_phrases_for_other_languages() {
    // The app words each phrase in the reader's language; the values that are the board's
    // vocabulary (a state, a field) stay keys, names stay as they are.
    let (mut board, [apollo, zeus, _], _) = portfolio();
    let summary = described(&mut board, |b| b.move_project(&zeus, 0).unwrap());
    assert_eq!(
        summary.phrases,
        vec![Phrase {
            key: "moved_above",
            values: vec![PhraseValue::Text("Zeus".into()), PhraseValue::Text("Apollo".into())]
        }]
    );
    let summary = described(&mut board, |b| b.set_project_stage(&apollo, Stage::OnHold).unwrap());
    assert_eq!(
        summary.phrases,
        vec![Phrase {
            key: "project_field_set",
            values: vec![
                PhraseValue::Text("Apollo".into()),
                PhraseValue::ProjectField("stage".into()),
                PhraseValue::Stage("on-hold".into()),
            ],
        }]
    );
    assert_eq!(summary.text, "set Apollo's stage to on hold");
    assert_eq!(summary.phrases[0].english(), summary.text);
}

#[test]
fn numbered_values_are_filled_in_once() {
    let values = ["Apollo".to_owned(), "{0}".to_owned()];
    let cases = [
        ("moved {0} above {1}", "moved Apollo above {0}"),
        ("{1} then {0}", "{0} then Apollo"),
        ("{2} stays, { too", "{2} stays, { too"),
    ];
    for (template, expected) in cases {
        assert_eq!(fill_numbered(template, &values), expected);
    }
}
