//! E-mail digest settings: how often a reader wants one, and which addresses are acceptable.

/// How often a reader gets an e-mail digest of their unread notifications.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frequency {
    Off,
    Daily,
    Weekly,
}

impl Frequency {
    /// Every frequency with its label, in the order a form offers them.
    pub const OPTIONS: [(&'static str, &'static str); 3] =
        [("off", "No e-mail"), ("daily", "Daily digest"), ("weekly", "Weekly digest")];

    /// The stored name (the column's CHECK constraint allows exactly these).
    pub fn as_str(self) -> &'static str {
        match self {
            Frequency::Off => "off",
            Frequency::Daily => "daily",
            Frequency::Weekly => "weekly",
        }
    }

    /// Parses a stored or submitted name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "off" => Some(Frequency::Off),
            "daily" => Some(Frequency::Daily),
            "weekly" => Some(Frequency::Weekly),
            _ => None,
        }
    }
}

/// The longest address SMTP can carry (RFC 5321's path limit less the angle brackets).
pub const EMAIL_MAX: usize = 254;

/// Validated digest settings: an address (optional while digests are off) and a frequency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestChoice {
    pub email: Option<String>,
    pub frequency: Frequency,
}

/// Checks a submitted address and frequency. An empty address is allowed only with digests off;
/// the address must be one an SMTP server accepts in `RCPT TO` (lettre's parser decides).
pub fn validate(email: &str, frequency: &str) -> Result<DigestChoice, String> {
    let frequency = Frequency::parse(frequency.trim()).ok_or_else(|| {
        format!("the digest frequency must be off, daily or weekly, not \u{201c}{}\u{201d}", frequency.trim())
    })?;
    let email = email.trim();
    if email.is_empty() {
        if frequency != Frequency::Off {
            return Err("give an e-mail address to receive digests at".to_owned());
        }
        return Ok(DigestChoice { email: None, frequency });
    }
    if email.chars().count() > EMAIL_MAX {
        return Err(format!("an e-mail address has at most {EMAIL_MAX} characters"));
    }
    if email.parse::<lettre::Address>().is_err() {
        return Err(format!("\u{201c}{email}\u{201d} is not an e-mail address (like name@example.org)"));
    }
    Ok(DigestChoice { email: Some(email.to_owned()), frequency })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_need_a_well_formed_address() {
        assert_eq!(
            validate(" ann@example.org ", "daily"),
            Ok(DigestChoice { email: Some("ann@example.org".into()), frequency: Frequency::Daily })
        );
        assert_eq!(validate("", "off"), Ok(DigestChoice { email: None, frequency: Frequency::Off }));
        assert!(validate("", "weekly").is_err());
        assert!(validate("not an address", "daily").is_err());
        assert!(validate("ann@", "daily").is_err());
        assert!(validate("ann@example.org", "hourly").is_err());
        assert!(validate(&format!("{}@example.org", "a".repeat(250)), "daily").is_err());
    }
}
