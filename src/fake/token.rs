//! Opaque page tokens: a cursor (the last item of the previous page) sealed with a keyed hash,
//! so that only tokens this fake issued, for this listing, are accepted.

use std::hash::{DefaultHasher, Hash, Hasher};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// What a token is bound to: the listing it continues.
pub(crate) struct Listing<'a> {
    pub(crate) organization_id: &'a str,
    pub(crate) environment_id: &'a str,
    /// The collection listed (its path below the environment).
    pub(crate) collection: &'a str,
    /// The listing's filters (such as `spec.connection_type`), as one text.
    pub(crate) filter: Option<&'a str>,
}

/// Issues and checks page tokens with a per-server key.
#[derive(Debug)]
pub(crate) struct Tokens {
    key: [u8; 16],
}

impl Tokens {
    pub(crate) fn new() -> Self {
        Tokens {
            key: uuid::Uuid::new_v4().into_bytes(),
        }
    }

    fn seal(&self, listing: &Listing<'_>, after: &str) -> [u8; 8] {
        let mut hasher = DefaultHasher::new();
        self.key.hash(&mut hasher);
        listing.organization_id.hash(&mut hasher);
        listing.environment_id.hash(&mut hasher);
        listing.collection.hash(&mut hasher);
        listing.filter.hash(&mut hasher);
        after.hash(&mut hasher);
        hasher.finish().to_be_bytes()
    }

    /// The token for the page that follows the item named `after`.
    pub(crate) fn issue(&self, listing: &Listing<'_>, after: &str) -> String {
        let mut bytes = self.seal(listing, after).to_vec();
        bytes.extend_from_slice(after.as_bytes());
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// The cursor in `token`, if this server issued it for `listing`.
    pub(crate) fn open(&self, listing: &Listing<'_>, token: &str) -> Option<String> {
        let bytes = URL_SAFE_NO_PAD.decode(token).ok()?;
        if bytes.len() <= 8 {
            return None;
        }
        let (seal, after) = bytes.split_at(8);
        let after = std::str::from_utf8(after).ok()?;
        (seal == self.seal(listing, after)).then(|| after.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LISTING: Listing<'static> = Listing {
        organization_id: "o",
        environment_id: "e",
        collection: "connections",
        filter: None,
    };

    #[test]
    fn tokens_round_trip_and_are_bound_to_their_listing_and_server() {
        let tokens = Tokens::new();
        let token = tokens.issue(&LISTING, "conn-0042");
        assert!(!token.contains("conn-0042"));
        assert_eq!(tokens.open(&LISTING, &token).as_deref(), Some("conn-0042"));
        let filtered = Listing {
            filter: Some("OPENAI"),
            ..LISTING
        };
        assert_eq!(tokens.open(&filtered, &token), None);
        let elsewhere = Listing {
            collection: "statements",
            ..LISTING
        };
        assert_eq!(tokens.open(&elsewhere, &token), None);
        assert_eq!(Tokens::new().open(&LISTING, &token), None);
        assert_eq!(tokens.open(&LISTING, "not a token"), None);
        assert_eq!(tokens.open(&LISTING, "AAAA"), None);
    }

    #[test]
    fn tokens_of_the_longest_names_fit_the_spec_limit() {
        let tokens = Tokens::new();
        let name = "a".repeat(100);
        assert!(tokens.issue(&LISTING, &name).len() <= 255);
    }
}
