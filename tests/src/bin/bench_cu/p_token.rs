//! The "where p-token is live" column: `scripts/bench-cu.sh` first runs every row with SPL Token
//! replaced by p-token (SIMD-0266, what mainnet runs at `TokenkegQfe…`), writes each row's total
//! and token-CPI units, and the main run reads them back by (instruction, case). DIEM is a
//! Token-2022 mint, which p-token does not replace: its CPIs cost the same in both runs.

use std::collections::BTreeMap;

use super::Breakdown;

/// Each row's cost with p-token, by (instruction, case).
#[derive(Debug, Default, PartialEq)]
pub struct Totals(BTreeMap<(String, String), Cost>);

/// One row's cost with p-token.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Cost {
    pub total: u64,
    pub token_cpi: u64,
}

/// The tab-separated file the p-token pass writes: `instruction \t case \t total \t token CPI`.
pub fn totals_file<'a>(rows: impl Iterator<Item = (&'a str, &'a str, &'a Breakdown)>) -> String {
    rows.map(|(instruction, case, b)| format!("{instruction}\t{case}\t{}\t{}\n", b.total, b.token_cpi)).collect()
}

impl Totals {
    /// Reads [`totals_file`]'s output; a malformed line is a broken bench script, so it panics
    /// with the line (this is a benchmark binary, not a service).
    pub fn parse(text: &str) -> Self {
        let rows = text
            .lines()
            .map(|line| match line.split('\t').collect::<Vec<_>>().as_slice() {
                [instruction, case, total, token_cpi] => (
                    (instruction.to_string(), case.to_string()),
                    Cost {
                        total: total.parse().unwrap_or_else(|_| panic!("p-token totals: bad total in {line:?}")),
                        token_cpi: token_cpi
                            .parse()
                            .unwrap_or_else(|_| panic!("p-token totals: bad units in {line:?}")),
                    },
                ),
                _ => panic!("p-token totals: expected four tab-separated fields in {line:?}"),
            })
            .collect();
        Totals(rows)
    }

    pub fn get(&self, instruction: &str, case: &str) -> Option<Cost> {
        self.0.get(&(instruction.to_string(), case.to_string())).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_round_trip_by_instruction_and_case() {
        let a = Breakdown { total: 9_000, token_cpi: 120, ..Default::default() };
        let b = Breakdown { total: 7_000, token_cpi: 0, ..Default::default() };
        let file = totals_file([("stake", "opens a position", &a), ("stake", "existing position", &b)].into_iter());
        let totals = Totals::parse(&file);
        assert_eq!(totals.get("stake", "opens a position"), Some(Cost { total: 9_000, token_cpi: 120 }));
        assert_eq!(totals.get("stake", "existing position"), Some(Cost { total: 7_000, token_cpi: 0 }));
        assert_eq!(totals.get("stake", "another case"), None);
    }

    #[test]
    #[should_panic(expected = "four tab-separated fields")]
    fn a_truncated_line_is_refused() {
        Totals::parse("stake\t12\n");
    }
}
