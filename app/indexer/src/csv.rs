//! CSV renderings for billing systems that import spreadsheets.
use crate::credit::DayCredit;

/// `day,owner,staked_diem,credit_usd`, one line per owner; the header says whether it is final.
pub fn entitlements_csv(credit: &DayCredit) -> String {
    let mut out = String::from("day,owner,staked_diem,credit_usd,final\n");
    for e in &credit.entitlements {
        out.push_str(&format!("{},{},{},{},{}\n", credit.day, e.owner, e.staked_diem, e.credit_usd, credit.is_final));
    }
    out
}
