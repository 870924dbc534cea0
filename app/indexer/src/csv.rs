//! CSV renderings for billing systems that import spreadsheets.
use crate::credit::DayCredit;

/// `day,owner,staked_diem_base_units,credit_usd,final`, one line per owner: each column says its
/// unit (DIEM in base units, 10^9 to a DIEM; dollars), and the last whether the day is final.
pub fn entitlements_csv(credit: &DayCredit) -> String {
    let mut out = String::from("day,owner,staked_diem_base_units,credit_usd,final\n");
    for e in &credit.entitlements {
        out.push_str(&format!("{},{},{},{},{}\n", credit.day, e.owner, e.staked_diem, e.credit_usd, credit.is_final));
    }
    out
}
