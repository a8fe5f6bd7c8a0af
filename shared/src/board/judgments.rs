//! Each member's AHP judgments (层次分析法): how many times more important one criterion is
//! than another, on Saaty's 1–9 scale, one value per member and pair of criteria.
//!
//! They live in the flat map `ahp_judgments` under `<member>/<criterion>/<later criterion>`,
//! the two criteria in id order, so that a pair has one key whichever way round a member
//! answered it; the value says how much more important the first criterion is (1/9 … 9). The
//! member is the account id of whoever answered: the server's gate lets each account write
//! only its own keys (`validate::Writer`). [`crate::views::scoring::ahp`] turns them into each
//! member's priorities and the group's weights.

use automerge::transaction::Transactable;

use super::{key_part, schema::*, Board, BoardError, CriterionId, Subject};
use crate::board::validate::is_saaty;

/// One member's answer for one pair of criteria.
#[derive(Debug, Clone, PartialEq)]
pub struct Judgment {
    /// The account id of the member who answered.
    pub member: String,
    /// The pair, in id order.
    pub first: CriterionId,
    pub second: CriterionId,
    /// How many times more important `first` is than `second`: 1/9 … 9.
    pub value: f64,
}

impl Board {
    /// Every member's judgments, in key order (by member, then pair).
    pub fn judgments(&self) -> Vec<Judgment> {
        let mut list = Vec::new();
        self.flat_numbers(AHP_JUDGMENTS, |key, value| {
            let mut parts = key.split('/');
            if let (Some(member), Some(first), Some(second), None) =
                (parts.next(), parts.next(), parts.next(), parts.next())
            {
                if let (true, true, Ok(first), Ok(second)) =
                    (first < second, is_saaty(value), first.parse(), second.parse())
                {
                    list.push(Judgment { member: member.into(), first, second, value });
                }
            }
        });
        list
    }

    /// Records `member`'s judgment that criterion `a` is `value` times as important as `b`
    /// (a value below 1 says `b` matters more), or clears it with `None`. The value must be on
    /// Saaty's scale: 1 to 9, or 1/9 to 1/2.
    pub fn set_judgment(
        &mut self,
        member: &str,
        a: &CriterionId,
        b: &CriterionId,
        value: Option<f64>,
    ) -> Result<(), BoardError> {
        let judgments = self.collection(AHP_JUDGMENTS)?;
        let member = key_part(Subject::Member, member)?;
        if a == b {
            return Err(BoardError::Invalid(format!("a criterion is not compared with itself ({a})")));
        }
        for criterion in [a, b] {
            self.entity(CRITERIA, Subject::Criterion, criterion.as_str())?;
        }
        if let Some(value) = value {
            if !is_saaty(value) {
                return Err(BoardError::NotSaaty { value });
            }
        }
        let (first, second, value) =
            if a.as_str() < b.as_str() { (a, b, value) } else { (b, a, value.map(|v| 1.0 / v)) };
        let key = format!("{member}/{first}/{second}");
        match value {
            Some(value) => self.doc.put(&judgments, &key, value)?,
            None => self.doc.delete(&judgments, &key)?,
        }
        self.commit(format!("set AHP judgment {key}"));
        Ok(())
    }

    /// Sets the weights of several criteria in one change (the group's AHP weights, adopted),
    /// after checking every one of them.
    pub fn set_criterion_weights(&mut self, weights: &[(CriterionId, f64)]) -> Result<(), BoardError> {
        let mut objects = Vec::with_capacity(weights.len());
        for (id, weight) in weights {
            let object = self.writable(CRITERIA, Subject::Criterion, id.as_str())?;
            objects.push((object, super::non_negative(Subject::CriterionWeight, *weight)?));
        }
        for (object, weight) in objects {
            self.put_if_changed(&object, criterion::WEIGHT, weight.into())?;
        }
        self.commit("set criterion weights".into());
        Ok(())
    }
}
