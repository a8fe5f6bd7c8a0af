use super::*;

fn close(actual: f64, expected: f64, tolerance: f64) -> bool {
    (actual - expected).abs() <= tolerance
}

fn project(id: &str) -> ProjectId {
    id.parse().unwrap()
}

fn criterion_id(id: &str) -> CriterionId {
    id.parse().unwrap()
}

fn criterion(id: &str, weight: f64, direction: Direction) -> Criterion {
    Criterion::new(criterion_id(id), id, weight, direction)
}

/// A candidate with its scores, ids written as text.
fn candidate<const N: usize>(id: &str, scores: [(&str, f64); N]) -> Candidate {
    Candidate::new(project(id), scores.map(|(criterion, score)| (criterion_id(criterion), score)))
}

/// Ranks and checks (id, total) best first, to 1e-9.
fn assert_ranking(criteria: &[Criterion], candidates: &[Candidate], expected: &[(&str, f64)]) -> WeightedRanking {
    let ranking = weighted_ranking(criteria, candidates).unwrap();
    let actual: Vec<(&str, f64)> = ranking.candidates.iter().map(|c| (c.id.as_str(), c.total_score)).collect();
    assert_eq!(actual.len(), expected.len(), "{actual:?}");
    for ((id, total), (expected_id, expected_total)) in actual.iter().zip(expected) {
        assert_eq!(id, expected_id, "order: {actual:?}");
        assert!(close(*total, *expected_total, 1e-9), "{id}: {total} ≠ {expected_total}");
    }
    ranking
}

#[test]
fn weighted_scoring_worked_example() {
    // Weights 4 : 2 : 2 scale to 0.5, 0.25, 0.25.
    let criteria = [
        criterion("value", 4.0, Direction::HigherIsBetter),
        criterion("risk", 2.0, Direction::LowerIsBetter),
        criterion("effort", 2.0, Direction::LowerIsBetter),
    ];
    let candidates = [
        candidate("erp", [("value", 9.0), ("risk", 4.0), ("effort", 20.0)]),
        candidate("crm", [("value", 6.0), ("risk", 2.0), ("effort", 10.0)]),
        candidate("bi", [("value", 3.0), ("risk", 3.0), ("effort", 5.0)]),
    ];
    // value  3‥9:  erp (9−3)/6 = 1,    crm (6−3)/6 = 0.5,      bi 0
    // risk   2‥4:  erp 1 − 1 = 0,      crm 1 − 0 = 1,          bi 1 − 0.5 = 0.5
    // effort 5‥20: erp 1 − 1 = 0,      crm 1 − 5/15 = 2/3,     bi 1 − 0 = 1
    // erp 0.5·1   + 0.25·0   + 0.25·0   = 0.5
    // crm 0.5·0.5 + 0.25·1   + 0.25·2/3 = 0.25 + 0.25 + 0.1667 = 0.6667
    // bi  0.5·0   + 0.25·0.5 + 0.25·1   = 0.125 + 0.25 = 0.375
    let ranking = assert_ranking(&criteria, &candidates, &[("crm", 2.0 / 3.0), ("erp", 0.5), ("bi", 0.375)]);

    let crm = &ranking.candidates[0];
    assert_eq!(crm.rank, 1);
    let effort = &crm.contributions[2];
    assert_eq!((effort.criterion.as_str(), effort.raw_score), ("effort", 10.0));
    assert!(close(effort.normalised_score, 2.0 / 3.0, 1e-12));
    assert!(close(effort.weight, 0.25, 1e-12));
    assert!(close(effort.contribution, 1.0 / 6.0, 1e-12));
    assert!(ranking.tied_criteria.is_empty() && ranking.ignored_scores.is_empty());
}

#[test]
fn a_criterion_nobody_differs_on_gives_everyone_half_its_weight() {
    let criteria =
        [criterion("value", 1.0, Direction::HigherIsBetter), criterion("risk", 1.0, Direction::LowerIsBetter)];
    let candidates = [candidate("a", [("value", 5.0), ("risk", 3.0)]), candidate("b", [("value", 1.0), ("risk", 3.0)])];
    // value: a 1, b 0. risk is 3 for both: 0.5 each, whatever the direction.
    // a 0.5·1 + 0.5·0.5 = 0.75, b 0.5·0 + 0.5·0.5 = 0.25
    let ranking = assert_ranking(&criteria, &candidates, &[("a", 0.75), ("b", 0.25)]);
    assert_eq!(ranking.tied_criteria, ["risk"]);

    // A single candidate ties on everything: 0.5 overall.
    let ranking = assert_ranking(&criteria, &candidates[..1], &[("a", 0.5)]);
    assert_eq!(ranking.tied_criteria, ["value", "risk"]);

    // No candidates: nothing to rank, nothing tied.
    let ranking = weighted_ranking(&criteria, &[]).unwrap();
    assert!(ranking.candidates.is_empty() && ranking.tied_criteria.is_empty());
}

#[test]
fn equal_totals_are_ranked_by_id_even_through_rounding_noise() {
    // Weights 0.1, 1.3, 1.4 (sum 2.8) scale to 1/28, 13/28, 14/28.
    // "b" is best on the first two: 1/28 + 13/28 = 0.5; "a" on the third: 14/28 = 0.5.
    // In f64, b's sum comes out as 0.5000000000000001 and would win on noise alone.
    let criteria = [
        criterion("x", 0.1, Direction::HigherIsBetter),
        criterion("y", 1.3, Direction::HigherIsBetter),
        criterion("z", 1.4, Direction::HigherIsBetter),
    ];
    let candidates =
        [candidate("b", [("x", 1.0), ("y", 1.0), ("z", 0.0)]), candidate("a", [("x", 0.0), ("y", 0.0), ("z", 1.0)])];
    let ranking = assert_ranking(&criteria, &candidates, &[("a", 0.5), ("b", 0.5)]);
    assert!(ranking.candidates[1].total_score > ranking.candidates[0].total_score, "the noise this test is about");
    assert_eq!(ranking.candidates.iter().map(|c| c.rank).collect::<Vec<_>>(), [1, 2]);
}

/// Negative scores normalise like any others. Net value −2, 0, 6 (higher is better) spans
/// 8: a (−2) → 0, b (0) → 2/8 = 0.25, c (6) → 1. Risk −1, 1, 3 (lower is better) spans 4:
/// a → 1 − 0 = 1, b → 1 − 0.5 = 0.5, c → 1 − 1 = 0. Weights 3 and 1 → 0.75 and 0.25:
/// a = 0 + 0.25 = 0.25, b = 0.1875 + 0.125 = 0.3125, c = 0.75 + 0 = 0.75.
#[test]
fn negative_scores_rank_like_any_others() {
    let criteria =
        [criterion("value", 3.0, Direction::HigherIsBetter), criterion("risk", 1.0, Direction::LowerIsBetter)];
    let candidates = [
        candidate("a", [("value", -2.0), ("risk", -1.0)]),
        candidate("b", [("value", 0.0), ("risk", 1.0)]),
        candidate("c", [("value", 6.0), ("risk", 3.0)]),
    ];
    assert_ranking(&criteria, &candidates, &[("c", 0.75), ("b", 0.3125), ("a", 0.25)]);
}

#[test]
fn scores_for_unknown_criteria_are_ignored_and_reported() {
    let criteria = [criterion("value", 1.0, Direction::HigherIsBetter)];
    let candidates = [candidate("a", [("value", 2.0), ("legacy", 7.0)]), candidate("b", [("value", 1.0)])];
    let ranking = assert_ranking(&criteria, &candidates, &[("a", 1.0), ("b", 0.0)]);
    let ignored = IgnoredScore { candidate: project("a"), criterion: criterion_id("legacy"), value: 7.0 };
    assert_eq!(ranking.ignored_scores, [ignored]);
}

#[test]
fn weighted_scoring_refuses_bad_input() {
    let value = |weight| criterion("value", weight, Direction::HigherIsBetter);
    let risk = criterion("risk", 1.0, Direction::LowerIsBetter);
    let scored = |id: &str, value: f64| candidate(id, [("value", value), ("risk", 1.0)]);
    let cases: Vec<(&str, Vec<Criterion>, Vec<Candidate>, &str)> = vec![
        (
            "NaN weight",
            vec![value(f64::NAN), risk.clone()],
            vec![scored("a", 1.0)],
            "weight of criterion `value` must be a finite number of at least 0, not NaN",
        ),
        (
            "negative weight",
            vec![value(-1.0), risk.clone()],
            vec![scored("a", 1.0)],
            "weight of criterion `value` must be a finite number of at least 0, not -1",
        ),
        (
            "infinite weight",
            vec![value(f64::INFINITY)],
            vec![scored("a", 1.0)],
            "weight of criterion `value` must be a finite number of at least 0, not inf",
        ),
        (
            "zero total weight",
            vec![value(0.0), criterion("risk", 0.0, Direction::LowerIsBetter)],
            vec![scored("a", 1.0)],
            "the criteria weights add up to 0: give at least one criterion a positive weight",
        ),
        (
            "no criteria",
            vec![],
            vec![scored("a", 1.0)],
            "the criteria weights add up to 0: give at least one criterion a positive weight",
        ),
        (
            "duplicate criterion",
            vec![value(1.0), risk.clone(), value(2.0)],
            vec![scored("a", 1.0)],
            "criterion `value` is listed twice: give each criterion its own id",
        ),
        (
            "duplicate candidate",
            vec![value(1.0), risk.clone()],
            vec![scored("a", 1.0), scored("b", 1.0), scored("a", 2.0)],
            "candidate `a` is listed twice: give each candidate its own id",
        ),
        (
            "missing score",
            vec![value(1.0), risk.clone()],
            vec![scored("a", 1.0), candidate("b", [("value", 1.0)])],
            "candidate `b` has no score for criterion `risk`: score it, or leave it out of this ranking",
        ),
        (
            "NaN score",
            vec![value(1.0), risk.clone()],
            vec![scored("a", 1.0), scored("b", f64::NAN)],
            "score of candidate `b` on criterion `value` must be a finite number, not NaN",
        ),
        (
            "infinite score",
            vec![value(1.0), risk.clone()],
            vec![scored("a", f64::NEG_INFINITY)],
            "score of candidate `a` on criterion `value` must be a finite number, not -inf",
        ),
    ];
    for (case, criteria, candidates, message) in cases {
        let error = weighted_ranking(&criteria, &candidates).expect_err(case);
        assert_eq!(error.to_string(), message, "{case}");
    }
}

#[test]
fn ahp_textbook_examples() {
    // (matrix, weights, λ_max, CR), the expected figures from numpy.linalg.eig:
    //   w = |principal eigenvector| / its sum, CI = (λ − n)/(n − 1), CR = CI/RI.
    let third = 1.0 / 3.0;
    type Case = (Vec<Vec<f64>>, Vec<f64>, f64, f64);
    let cases: [Case; 4] = [
        // The usual 3×3 teaching example (1, 3, 5 / 3): CI = 0.038511/2 = 0.019256,
        // CR = 0.019256/0.58 = 0.0332, consistent.
        (
            vec![vec![1.0, 3.0, 5.0], vec![third, 1.0, 3.0], vec![0.2, third, 1.0]],
            vec![0.636986, 0.258285, 0.104729],
            3.038511,
            0.033199,
        ),
        // A 4×4 teaching example of judgements too inconsistent to use (1, 5, 6, 7 / 4, 6 / 4):
        // CI = 0.39073/3 = 0.130243, CR = 0.130243/0.90 = 0.1447 > 0.10, not consistent.
        (
            vec![
                vec![1.0, 5.0, 6.0, 7.0],
                vec![0.2, 1.0, 4.0, 6.0],
                vec![1.0 / 6.0, 0.25, 1.0, 4.0],
                vec![1.0 / 7.0, 1.0 / 6.0, 0.25, 1.0],
            ],
            vec![0.618669, 0.235323, 0.100934, 0.045074],
            4.390730,
            0.144715,
        ),
        // Built from w = (0.5, 0.25, 0.25) as a_ij = w_i/w_j: perfectly consistent, λ = n.
        (vec![vec![1.0, 2.0, 2.0], vec![0.5, 1.0, 1.0], vec![0.5, 1.0, 1.0]], vec![0.5, 0.25, 0.25], 3.0, 0.0),
        // A circle (1 ≫ 2 ≫ 3 ≫ 1): by symmetry w = 1/3 each, λ = 1 + 9 + 1/9 = 10.1111,
        // CI = 7.1111/2 = 3.5556, CR = 3.5556/0.58 = 6.1303.
        (
            vec![vec![1.0, 9.0, 1.0 / 9.0], vec![1.0 / 9.0, 1.0, 9.0], vec![9.0, 1.0 / 9.0, 1.0]],
            vec![third, third, third],
            10.111111,
            6.130268,
        ),
    ];
    for (rows, weights, lambda_max, consistency_ratio) in cases {
        let priorities = PairwiseMatrix::new(&rows).unwrap().priorities();
        for (actual, expected) in priorities.weights.iter().zip(&weights) {
            assert!(close(*actual, *expected, 1e-6), "{rows:?}: weights {:?}", priorities.weights);
        }
        assert!(close(priorities.weights.iter().sum(), 1.0, 1e-12));
        assert!(close(priorities.lambda_max, lambda_max, 1e-6), "{rows:?}: λ {}", priorities.lambda_max);
        assert!(close(priorities.consistency_ratio, consistency_ratio, 1e-6), "{rows:?}: {priorities:?}");
        assert_eq!(priorities.is_consistent(), consistency_ratio <= 0.10, "{rows:?}");
    }
}

#[test]
fn ahp_on_one_or_two_items_is_always_consistent() {
    let one = PairwiseMatrix::new(&[[1.0]]).unwrap().priorities();
    assert_eq!((one.weights.as_slice(), one.consistency_index, one.consistency_ratio), ([1.0].as_slice(), 0.0, 0.0));

    // a_12 = 9: w = (9/10, 1/10), λ = 2.
    let two = PairwiseMatrix::new(&[[1.0, 9.0], [1.0 / 9.0, 1.0]]).unwrap().priorities();
    assert!(close(two.weights[0], 0.9, 1e-12) && close(two.weights[1], 0.1, 1e-12));
    assert!(close(two.lambda_max, 2.0, 1e-12));
    assert_eq!(two.consistency_ratio, 0.0);
    assert!(two.is_consistent());
}

#[test]
fn group_matrix_is_the_geometric_mean() {
    let third = 1.0 / 3.0;
    let member_a = PairwiseMatrix::new(&[[1.0, 2.0, 9.0], [0.5, 1.0, third], [1.0 / 9.0, 3.0, 1.0]]).unwrap();
    let member_b = PairwiseMatrix::new(&[[1.0, 8.0, 1.0], [0.125, 1.0, 3.0], [1.0, third, 1.0]]).unwrap();
    // (1,2): √(2·8) = 4; (1,3): √(9·1) = 3; (2,3): √(1/3·3) = 1; the lower triangle the reciprocals.
    let group = group_matrix(&[member_a, member_b]).unwrap();
    let expected = [[1.0, 4.0, 3.0], [0.25, 1.0, 1.0], [third, 1.0, 1.0]];
    for (row, values) in expected.iter().enumerate() {
        for (column, value) in values.iter().enumerate() {
            assert!(close(group.entry(row, column), *value, 1e-12), "({row}, {column})");
        }
    }
    // numpy: w = (0.633708, 0.174371, 0.191921), λ = 3.009203, CR = 0.004601/0.58 = 0.007933.
    let priorities = group.priorities();
    for (actual, expected) in priorities.weights.iter().zip([0.633708, 0.174371, 0.191921]) {
        assert!(close(*actual, expected, 1e-6), "{:?}", priorities.weights);
    }
    assert!(close(priorities.consistency_ratio, 0.007933, 1e-6));

    // One member's group matrix is their own.
    let single = PairwiseMatrix::new(&[[1.0, 9.0], [1.0 / 9.0, 1.0]]).unwrap();
    assert_eq!(group_matrix(std::slice::from_ref(&single)).unwrap(), single);
}

#[test]
fn ahp_refuses_bad_matrices() {
    let third = 1.0 / 3.0;
    let cases: Vec<(&str, Vec<Vec<f64>>, &str)> = vec![
        ("empty", vec![], "the comparison matrix is empty: compare at least one item"),
        (
            "eleven items",
            vec![vec![1.0; 11]; 11],
            "AHP compares at most 10 items at once, not 11: group the items into at most 10 \
             categories, compare the categories, then compare the items within each category",
        ),
        (
            "short row",
            vec![vec![1.0, 3.0], vec![third, 1.0, 1.0]],
            "row 1 of the comparison matrix has 3 entries, but there are 2 rows: the matrix must be square",
        ),
        (
            "diagonal",
            vec![vec![1.0, 3.0], vec![third, 2.0]],
            "entry (1, 1) compares an item with itself and must be 1, not 2",
        ),
        (
            "NaN on the diagonal",
            vec![vec![f64::NAN]],
            "entry (0, 0) compares an item with itself and must be 1, not NaN",
        ),
        (
            "above 9",
            vec![vec![1.0, 10.0], vec![0.1, 1.0]],
            "entry (0, 1) must be between 1/9 and 9 (Saaty's scale), not 10",
        ),
        ("zero", vec![vec![1.0, 3.0], vec![0.0, 1.0]], "entry (1, 0) must be between 1/9 and 9 (Saaty's scale), not 0"),
        (
            "NaN",
            vec![vec![1.0, f64::NAN], vec![third, 1.0]],
            "entry (0, 1) must be between 1/9 and 9 (Saaty's scale), not NaN",
        ),
        (
            "not reciprocal",
            vec![vec![1.0, 4.0], vec![0.5, 1.0]],
            "entry (1, 0) is 0.5, but entry (0, 1) is 4, so it must be 1/4 = 0.25: \
             fill in one triangle and compute the other as reciprocals",
        ),
        (
            "reciprocal rounded by hand",
            vec![vec![1.0, 3.0], vec![0.333, 1.0]],
            "entry (1, 0) is 0.333, but entry (0, 1) is 3, so it must be 1/3 = 0.3333333333333333: \
             fill in one triangle and compute the other as reciprocals",
        ),
    ];
    for (case, rows, message) in cases {
        let error = PairwiseMatrix::new(&rows).expect_err(case);
        assert_eq!(error.to_string(), message, "{case}");
    }

    let two = PairwiseMatrix::new(&[[1.0, 2.0], [0.5, 1.0]]).unwrap();
    let three = PairwiseMatrix::new(&[[1.0; 3]; 3]).unwrap();
    assert_eq!(
        group_matrix(&[]).unwrap_err().to_string(),
        "a group matrix needs at least one member's comparison matrix"
    );
    assert_eq!(
        group_matrix(&[two.clone(), two, three]).unwrap_err().to_string(),
        "member 2's matrix compares 3 items, but member 0's compares 2: every member must compare the same items"
    );
}

#[test]
fn ten_items_are_accepted_with_saatys_last_random_index() {
    let priorities = PairwiseMatrix::new(&[[1.0; 10]; 10]).unwrap().priorities();
    assert!(priorities.weights.iter().all(|w| close(*w, 0.1, 1e-12)));
    assert_eq!(priorities.random_index, 1.49);
}

#[test]
fn wsjf_worked_examples() {
    let input = |business_value, time_criticality, risk_reduction_opportunity_enablement, job_size| WsjfInput {
        business_value,
        time_criticality,
        risk_reduction_opportunity_enablement,
        job_size,
    };
    // (input, cost of delay, WSJF)
    let cases = [
        (input(8.0, 5.0, 3.0, 8.0), 16.0, 2.0),    // (8 + 5 + 3)/8 = 16/8
        (input(20.0, 13.0, 8.0, 2.0), 41.0, 20.5), // (20 + 13 + 8)/2 = 41/2
        (input(1.0, 0.0, 0.0, 20.0), 1.0, 0.05),   // 1/20
    ];
    for (input, cost_of_delay, score) in cases {
        assert_eq!(wsjf(&input), Ok(WsjfScore { cost_of_delay, wsjf: score }), "{input:?}");
    }

    let errors = [
        (input(8.0, 5.0, 3.0, 0.0), "WSJF job size must be a finite number greater than 0, not 0"),
        (input(8.0, 5.0, 3.0, f64::NAN), "WSJF job size must be a finite number greater than 0, not NaN"),
        (input(-1.0, 5.0, 3.0, 8.0), "WSJF business value must be a finite number of at least 0, not -1"),
        (input(8.0, f64::INFINITY, 3.0, 8.0), "WSJF time criticality must be a finite number of at least 0, not inf"),
        (
            input(8.0, 5.0, f64::NAN, 8.0),
            "WSJF risk reduction/opportunity enablement must be a finite number of at least 0, not NaN",
        ),
    ];
    for (input, message) in errors {
        assert_eq!(wsjf(&input).unwrap_err().to_string(), message);
    }
}

#[test]
fn rice_worked_examples() {
    let input = |reach, impact, confidence, effort| RiceInput { reach, impact, confidence, effort };
    let cases = [
        // 500 customers/quarter × 2 × 0.8 ÷ 4 person-months = 800 ÷ 4 = 200
        (input(500.0, Impact::High, Confidence::Medium, 4.0), 200.0),
        // 1200 × 0.25 × 0.5 ÷ 0.5 = 150 ÷ 0.5 = 300
        (input(1200.0, Impact::Minimal, Confidence::Low, 0.5), 300.0),
        // 0 × 3 × 1 ÷ 1 = 0: nobody reached, nothing gained.
        (input(0.0, Impact::Massive, Confidence::High, 1.0), 0.0),
    ];
    for (input, expected) in cases {
        assert!(close(rice(&input).unwrap(), expected, 1e-9), "{input:?}");
    }

    let errors = [
        (
            input(-1.0, Impact::Medium, Confidence::High, 1.0),
            "RICE reach must be a finite number of at least 0, not -1",
        ),
        (
            input(10.0, Impact::Medium, Confidence::High, 0.0),
            "RICE effort must be a finite number greater than 0, not 0",
        ),
        (
            input(f64::NAN, Impact::Medium, Confidence::High, 1.0),
            "RICE reach must be a finite number of at least 0, not NaN",
        ),
    ];
    for (input, message) in errors {
        assert_eq!(rice(&input).unwrap_err().to_string(), message);
    }
}

#[test]
fn rice_scales_read_back_from_numbers() {
    for impact in Impact::ALL {
        assert_eq!(Impact::try_from(impact.value()), Ok(impact));
    }
    for confidence in Confidence::ALL {
        assert_eq!(Confidence::try_from(confidence.value()), Ok(confidence));
    }
    assert_eq!(Confidence::try_from(80.0 / 100.0), Ok(Confidence::Medium));
    assert_eq!(
        Impact::try_from(4.0).unwrap_err().to_string(),
        "RICE impact must be one of 3, 2, 1, 0.5 or 0.25, not 4"
    );
    assert_eq!(
        Confidence::try_from(0.9).unwrap_err().to_string(),
        "RICE confidence must be one of 1, 0.8 or 0.5 (100 %, 80 %, 50 %), not 0.9"
    );
}
