//! AHP (层次分析法): weights from pairwise comparisons of the criteria, their consistency, and
//! the group's comparisons merged by geometric mean.

use super::*;

/// A bad pairwise comparison matrix, or a bad set of them. Rows, columns and members count
/// from 0, in the order they were given.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum AhpError {
    #[error("the comparison matrix is empty: compare at least one item")]
    Empty,
    #[error(
        "AHP compares at most 10 items at once, not {size}: group the items into at most 10 \
         categories, compare the categories, then compare the items within each category"
    )]
    TooLarge { size: usize },
    #[error(
        "row {row} of the comparison matrix has {len} entries, but there are {size} rows: the matrix must be square"
    )]
    NotSquare { row: usize, len: usize, size: usize },
    #[error("entry ({index}, {index}) compares an item with itself and must be 1, not {value}")]
    DiagonalNotOne { index: usize, value: f64 },
    #[error("entry ({row}, {column}) must be between 1/9 and 9 (Saaty's scale), not {value}")]
    OutOfRange { row: usize, column: usize, value: f64 },
    #[error(
        "entry ({column}, {row}) is {reciprocal}, but entry ({row}, {column}) is {value}, so it \
         must be 1/{value} = {expected}: fill in one triangle and compute the other as reciprocals"
    )]
    NotReciprocal { row: usize, column: usize, value: f64, reciprocal: f64, expected: f64 },
    #[error("a group matrix needs at least one member's comparison matrix")]
    NoMembers,
    #[error(
        "member {member}'s matrix compares {size} items, but member 0's compares {expected}: \
         every member must compare the same items"
    )]
    SizeMismatch { member: usize, size: usize, expected: usize },
}

/// Pairwise comparisons of n items (criteria, usually) on Saaty's 1–9 scale: entry (i, j) says
/// how many times more important item i is than item j, so entry (j, i) is its reciprocal.
///
/// Construction checks the matrix, so every value of this type can be given to
/// [`PairwiseMatrix::priorities`].
#[derive(Debug, Clone, PartialEq)]
pub struct PairwiseMatrix {
    size: usize,
    /// Row-major, `size × size`.
    entries: Vec<f64>,
}

/// Saaty's random consistency index for n = 0…10: the mean consistency index of random
/// reciprocal matrices of that size. Matrices of size 1 and 2 are always consistent.
const RANDOM_INDEX: [f64; 11] = [0.0, 0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49];

/// How far a product a_ij·a_ji may stray from 1, and a diagonal entry from 1. Tight enough to
/// catch a mistyped judgement, loose enough for reciprocals computed in floating point; a
/// reciprocal typed by hand as 0.333 is refused, which is the point: compute it.
const RECIPROCAL_TOLERANCE: f64 = 1e-6;

/// Power iteration stops when no weight moves more than this between two steps.
const CONVERGENCE: f64 = 1e-12;
/// A positive matrix converges geometrically, far sooner than this; the cap only guards
/// against an endless loop.
const MAX_ITERATIONS: usize = 10_000;

impl PairwiseMatrix {
    /// Saaty's random index is tabulated up to this size, and people cannot keep more items
    /// than this in mind while comparing pairs consistently.
    pub const MAX_SIZE: usize = 10;

    /// Checks and stores a matrix given as rows: square, 1 to [`Self::MAX_SIZE`] items, 1 on
    /// the diagonal, every entry between 1/9 and 9, and entry (j, i) the reciprocal of entry
    /// (i, j) to within a relative 10⁻⁶.
    pub fn new<R: AsRef<[f64]>>(rows: &[R]) -> Result<Self, AhpError> {
        let size = rows.len();
        if size == 0 {
            return Err(AhpError::Empty);
        }
        if size > Self::MAX_SIZE {
            return Err(AhpError::TooLarge { size });
        }
        if let Some((row, values)) = rows.iter().enumerate().find(|(_, values)| values.as_ref().len() != size) {
            return Err(AhpError::NotSquare { row, len: values.as_ref().len(), size });
        }
        let entries: Vec<f64> = rows.iter().flat_map(|values| values.as_ref().iter().copied()).collect();

        // The slack lets matrices built in floating point, such as group means of 1/9, through.
        let lowest = 1.0 / 9.0 * (1.0 - 1e-9);
        let highest = 9.0 * (1.0 + 1e-9);
        for row in 0..size {
            for column in 0..size {
                let value = entries[row * size + column];
                if row == column {
                    if value.is_nan() || (value - 1.0).abs() > RECIPROCAL_TOLERANCE {
                        return Err(AhpError::DiagonalNotOne { index: row, value });
                    }
                } else if !(lowest..=highest).contains(&value) {
                    return Err(AhpError::OutOfRange { row, column, value });
                }
            }
        }
        for row in 0..size {
            for column in row + 1..size {
                let value = entries[row * size + column];
                let reciprocal = entries[column * size + row];
                if (value * reciprocal - 1.0).abs() > RECIPROCAL_TOLERANCE {
                    return Err(AhpError::NotReciprocal { row, column, value, reciprocal, expected: 1.0 / value });
                }
            }
        }
        Ok(PairwiseMatrix { size, entries })
    }

    /// The number of items compared.
    pub fn size(&self) -> usize {
        self.size
    }

    /// Entry (row, column): how many times more important item `row` is than item `column`.
    ///
    /// # Panics
    /// When `row` or `column` is not below [`Self::size`].
    pub fn entry(&self, row: usize, column: usize) -> f64 {
        assert!(row < self.size && column < self.size, "entry ({row}, {column}) of a {0}×{0} matrix", self.size);
        self.entries[row * self.size + column]
    }

    /// The items' weights (the normalised principal eigenvector, found by power iteration) and
    /// how consistent the comparisons are.
    pub fn priorities(&self) -> AhpPriorities {
        let size = self.size;
        let mut weights = vec![1.0 / size as f64; size];
        for _ in 0..MAX_ITERATIONS {
            let mut next = self.times(&weights);
            let sum: f64 = next.iter().sum();
            for weight in &mut next {
                *weight /= sum;
            }
            let change = next.iter().zip(&weights).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
            weights = next;
            if change < CONVERGENCE {
                break;
            }
        }
        // With the weights summing to 1, A·w = λ·w sums to λ.
        let lambda_max: f64 = self.times(&weights).iter().sum();
        let consistency_index =
            if size > 1 { ((lambda_max - size as f64) / (size as f64 - 1.0)).max(0.0) } else { 0.0 };
        let random_index = RANDOM_INDEX[size];
        let consistency_ratio = if random_index > 0.0 { consistency_index / random_index } else { 0.0 };
        AhpPriorities { weights, lambda_max, consistency_index, random_index, consistency_ratio }
    }

    fn times(&self, vector: &[f64]) -> Vec<f64> {
        self.entries.chunks_exact(self.size).map(|row| row.iter().zip(vector).map(|(a, v)| a * v).sum()).collect()
    }
}

/// The result of [`PairwiseMatrix::priorities`].
#[derive(Debug, Clone, PartialEq)]
pub struct AhpPriorities {
    /// One per item, in matrix order, summing to 1.
    pub weights: Vec<f64>,
    /// The principal eigenvalue; equal to the size for perfectly consistent comparisons.
    pub lambda_max: f64,
    /// CI = (λ_max − n)/(n − 1); 0 for a single item.
    pub consistency_index: f64,
    /// Saaty's RI for this size; 0 for one or two items.
    pub random_index: f64,
    /// CR = CI/RI; 0 for one or two items, which cannot contradict themselves.
    pub consistency_ratio: f64,
}

impl AhpPriorities {
    /// Saaty's threshold: above it the comparisons contradict each other too much to use, and
    /// the judges should revisit the pairs that disagree most.
    pub const ACCEPTABLE_CONSISTENCY_RATIO: f64 = 0.10;

    /// Whether CR ≤ 0.10.
    pub fn is_consistent(&self) -> bool {
        self.consistency_ratio <= Self::ACCEPTABLE_CONSISTENCY_RATIO
    }
}

/// One matrix for a group: each entry the geometric mean of the members' entries. The geometric
/// mean (not the arithmetic one) keeps the result reciprocal, so it is a valid matrix in turn.
pub fn group_matrix(members: &[PairwiseMatrix]) -> Result<PairwiseMatrix, AhpError> {
    let first = members.first().ok_or(AhpError::NoMembers)?;
    let size = first.size;
    if let Some((member, matrix)) = members.iter().enumerate().find(|(_, m)| m.size != size) {
        return Err(AhpError::SizeMismatch { member, size: matrix.size, expected: size });
    }
    let mut entries = vec![1.0; size * size];
    for row in 0..size {
        for column in row + 1..size {
            let mean_log =
                members.iter().map(|m| m.entries[row * size + column].ln()).sum::<f64>() / members.len() as f64;
            // Fill one triangle and derive the other, so the result is exactly reciprocal.
            let mean = mean_log.exp().clamp(1.0 / 9.0, 9.0);
            entries[row * size + column] = mean;
            entries[column * size + row] = 1.0 / mean;
        }
    }
    Ok(PairwiseMatrix { size, entries })
}
