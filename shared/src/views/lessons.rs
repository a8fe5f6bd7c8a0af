//! The lessons page (经验教训): search across the board by text and tag, with the matches
//! highlighted, each lesson with the name of its project.
//!
//! A query is words; every word must match (case-insensitive) the title, the body or a tag,
//! and a word `tag:x` matches only lessons tagged exactly `x`, as [`crate::board::Board::search_lessons`].

use crate::board::{BoardSnapshot, Lesson};

/// A run of text, matched by the query or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub text: String,
    pub hit: bool,
}

/// A lesson found, ready to show.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub lesson: Lesson,
    /// `None` when the project has since been deleted (lessons outlive projects).
    pub project_name: Option<String>,
    pub title: Vec<Segment>,
    pub body: Vec<Segment>,
    /// Each tag and whether the query matched it.
    pub tags: Vec<(String, bool)>,
}

struct Query {
    words: Vec<String>,
    tags: Vec<String>,
}

fn parse(query: &str) -> Query {
    let mut parsed = Query { words: Vec::new(), tags: Vec::new() };
    for word in query.split_whitespace().map(str::to_lowercase) {
        match word.strip_prefix("tag:") {
            Some(tag) if !tag.is_empty() => parsed.tags.push(tag.to_owned()),
            Some(_) => {}
            None => parsed.words.push(word),
        }
    }
    parsed
}

/// Lessons matching `query`, newest first; an empty query finds every lesson.
pub fn search(board: &BoardSnapshot, query: &str) -> Vec<Hit> {
    let query = parse(query);
    board
        .lessons
        .iter()
        .filter(|lesson| {
            let text = format!("{} {}", lesson.title, lesson.body).to_lowercase();
            query.tags.iter().all(|tag| lesson.tags.contains(tag))
                && query
                    .words
                    .iter()
                    .all(|word| text.contains(word.as_str()) || lesson.tags.iter().any(|t| t.contains(word.as_str())))
        })
        .map(|lesson| Hit {
            project_name: board.project(&lesson.project).map(|p| p.name.clone()),
            title: highlight(&lesson.title, &query.words),
            body: highlight(&lesson.body, &query.words),
            tags: lesson
                .tags
                .iter()
                .map(|tag| {
                    let hit = query.tags.contains(tag) || query.words.iter().any(|word| tag.contains(word.as_str()));
                    (tag.clone(), hit)
                })
                .collect(),
            lesson: lesson.clone(),
        })
        .collect()
}

/// `text` cut into runs, the runs that match any of `words` (lower case) marked.
pub fn highlight(text: &str, words: &[String]) -> Vec<Segment> {
    let chars: Vec<char> = text.chars().collect();
    let lower: Vec<char> = chars.iter().map(|c| c.to_lowercase().next().unwrap_or(*c)).collect();
    let mut marked = vec![false; chars.len()];
    for word in words {
        let needle: Vec<char> = word.chars().collect();
        if needle.is_empty() || needle.len() > lower.len() {
            continue;
        }
        for start in 0..=lower.len() - needle.len() {
            if lower[start..start + needle.len()] == needle[..] {
                marked[start..start + needle.len()].iter_mut().for_each(|m| *m = true);
            }
        }
    }
    let mut segments: Vec<Segment> = Vec::new();
    for (c, hit) in chars.into_iter().zip(marked) {
        match segments.last_mut() {
            Some(last) if last.hit == hit => last.text.push(c),
            _ => segments.push(Segment { text: c.to_string(), hit }),
        }
    }
    segments
}

/// Tags typed as "vendor, Contracts  data" → ["vendor", "contracts", "data"].
pub fn parse_tags(text: &str) -> Vec<String> {
    text.split([',', ' ', '，']).map(str::trim).filter(|tag| !tag.is_empty()).map(str::to_lowercase).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::board::{Board, NewLesson, NewProject, Stage, Stamp};
    use crate::{board::LessonId, ProjectId};

    fn seg(text: &str, hit: bool) -> Segment {
        Segment { text: text.into(), hit }
    }

    #[test]
    fn highlight_marks_every_match_case_insensitively() {
        let words = vec!["vendor".to_string()];
        assert_eq!(
            highlight("Vendor slipped; the vendor's fix", &words),
            [seg("Vendor", true), seg(" slipped; the ", false), seg("vendor", true), seg("'s fix", false)]
        );
        // Chinese text and overlapping words.
        let words = vec!["供应".to_string(), "应商".to_string()];
        assert_eq!(highlight("选择供应商前", &words), [seg("选择", false), seg("供应商", true), seg("前", false)]);
        assert_eq!(highlight("", &words), []);
    }

    fn board() -> BoardSnapshot {
        let mut board = Board::new("Lessons").unwrap();
        let erp: ProjectId = "erp".parse().unwrap();
        board.add_project(erp.clone(), NewProject { name: "ERP".into(), stage: Stage::Active, budget: 0.0 }).unwrap();
        let mut add = |id: &str, title: &str, body: &str, tags: &[&str], at_ms| {
            let lesson = NewLesson {
                title: title.into(),
                body: body.into(),
                tags: tags.iter().map(|t| t.to_string()).collect(),
            };
            board
                .add_lesson(id.parse::<LessonId>().unwrap(), &erp, lesson, Stamp { by: "Alice".into(), at_ms })
                .unwrap();
        };
        add("l1", "Book the vendor early", "Their lead time was 6 weeks.", &["vendor", "procurement"], 1);
        add("l2", "Test data needs an owner", "Nobody owned the migration data.", &["data"], 2);
        add("l3", "Freeze scope before UAT", "Late changes broke the vendor build.", &["scope"], 3);
        board.snapshot()
    }

    fn titles(hits: &[Hit]) -> Vec<&str> {
        hits.iter().map(|hit| hit.lesson.title.as_str()).collect()
    }

    #[test]
    fn search_by_text_and_by_tag() {
        let board = board();
        assert_eq!(titles(&search(&board, "")).len(), 3);
        // Newest first; "vendor" is in l1's title and tag and in l3's body.
        assert_eq!(titles(&search(&board, "VENDOR")), ["Freeze scope before UAT", "Book the vendor early"]);
        // tag: matches only the tag.
        assert_eq!(titles(&search(&board, "tag:vendor")), ["Book the vendor early"]);
        assert_eq!(titles(&search(&board, "tag:vend")), Vec::<&str>::new());
        // Every word must match.
        assert_eq!(titles(&search(&board, "data owner")), ["Test data needs an owner"]);
        let hit = &search(&board, "tag:procurement lead")[0];
        assert_eq!(hit.project_name.as_deref(), Some("ERP"));
        assert_eq!(hit.tags, [("procurement".to_string(), true), ("vendor".to_string(), false)]);
        assert_eq!(hit.body[1], seg("lead", true));
    }

    #[test]
    fn tags_are_split_on_commas_and_spaces() {
        assert_eq!(parse_tags("Vendor, contracts  data，风险"), ["vendor", "contracts", "data", "风险"]);
        assert_eq!(parse_tags(" , "), Vec::<String>::new());
    }
}
