//! Keyset pagination. Ids are UUIDv7, so "after this id" is "after this moment": the cursor is
//! the last id of the page, encoded so clients treat it as opaque.

use crate::error::DbError;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use uuid::Uuid;

/// The largest page any list returns.
pub const MAX_LIMIT: u64 = 200;
/// The page size when the client does not ask.
pub const DEFAULT_LIMIT: u64 = 50;

/// What the client asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageRequest {
    pub limit: u64,
    pub after: Option<Uuid>,
}

impl Default for PageRequest {
    fn default() -> Self {
        Self {
            limit: DEFAULT_LIMIT,
            after: None,
        }
    }
}

impl PageRequest {
    /// Builds a request from raw query values.
    ///
    /// # Errors
    /// A message for the field at fault (`limit` out of 1..=200, `cursor` not ours).
    pub fn parse(limit: Option<u64>, cursor: Option<&str>) -> Result<Self, (&'static str, &'static str)> {
        let limit = limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(("limit", "must be between 1 and 200"));
        }
        let after = match cursor {
            None | Some("") => None,
            Some(c) => Some(decode_cursor(c).ok_or(("cursor", "is not a valid cursor"))?),
        };
        Ok(Self { limit, after })
    }
}

/// One page of results and the cursor of the next one, if any.
#[derive(Clone, Debug)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// Builds a page from `limit + 1` fetched rows: the extra row only signals that more exist.
    pub fn from_rows(mut rows: Vec<T>, req: PageRequest, id_of: impl Fn(&T) -> Uuid) -> Self {
        let more = rows.len() as u64 > req.limit;
        rows.truncate(usize::try_from(req.limit).unwrap_or(usize::MAX));
        let next_cursor = if more {
            rows.last().map(|r| encode_cursor(id_of(r)))
        } else {
            None
        };
        Self {
            items: rows,
            next_cursor,
        }
    }

    /// Maps the items, keeping the cursor.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            next_cursor: self.next_cursor,
        }
    }
}

/// Which way a list runs: oldest first (most lists) or newest first (the audit trail).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    OldestFirst,
    NewestFirst,
}

/// Runs `q` as one page keyed on the UUIDv7 `id` column: orders by it, continues after the
/// cursor, fetches one row more than asked to know whether another page exists.
///
/// # Errors
/// Database failure.
pub(crate) async fn fetch<E>(
    conn: &impl sea_orm::ConnectionTrait,
    q: sea_orm::Select<E>,
    id: E::Column,
    page: PageRequest,
    dir: Direction,
    id_of: impl Fn(&E::Model) -> Uuid,
) -> Result<Page<E::Model>, DbError>
where
    E: sea_orm::EntityTrait,
{
    use sea_orm::{ColumnTrait, QueryFilter, QueryOrder, QuerySelect};
    let q = match (dir, page.after) {
        (Direction::OldestFirst, after) => {
            let q = q.order_by_asc(id);
            match after {
                Some(a) => q.filter(id.gt(a)),
                None => q,
            }
        }
        (Direction::NewestFirst, after) => {
            let q = q.order_by_desc(id);
            match after {
                Some(a) => q.filter(id.lt(a)),
                None => q,
            }
        }
    };
    let rows = q.limit(page.limit + 1).all(conn).await?;
    Ok(Page::from_rows(rows, page, id_of))
}

#[must_use]
pub fn encode_cursor(id: Uuid) -> String {
    URL_SAFE_NO_PAD.encode(id.as_bytes())
}

/// What [`decode_cursor`] accepts (and `""`, read as no cursor), for the OpenAPI document: the
/// 16 bytes of an id in unpadded URL-safe base64 (22 characters, the last one carrying 2 bits).
pub const CURSOR_PATTERN: &str = "^([A-Za-z0-9_-]{21}[AQgw])?$";

#[must_use]
pub fn decode_cursor(c: &str) -> Option<Uuid> {
    let bytes = URL_SAFE_NO_PAD.decode(c).ok()?;
    Uuid::from_slice(&bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_round_trip_and_garbage() {
        let id = Uuid::now_v7();
        assert_eq!(decode_cursor(&encode_cursor(id)), Some(id));
        assert_eq!(decode_cursor("!!"), None);
        // Every string of CURSOR_PATTERN's shape decodes (the pattern is in the API document).
        for last in ['A', 'Q', 'g', 'w'] {
            for fill in ['A', 'z', '_', '-', '9'] {
                let c = format!("{}{last}", fill.to_string().repeat(21));
                assert!(decode_cursor(&c).is_some(), "{c}");
            }
        }
        assert_eq!(decode_cursor(&format!("{}B", "A".repeat(21))), None);
        assert!(PageRequest::parse(Some(0), None).is_err());
        assert!(PageRequest::parse(Some(201), None).is_err());
        assert!(PageRequest::parse(None, Some("zzz")).is_err());
    }

    #[test]
    fn page_signals_more_with_extra_row() {
        let req = PageRequest { limit: 2, after: None };
        let ids: Vec<Uuid> = (0..3).map(|_| Uuid::now_v7()).collect();
        let p = Page::from_rows(ids.clone(), req, |u| *u);
        assert_eq!(p.items.len(), 2);
        assert_eq!(p.next_cursor, Some(encode_cursor(ids[1])));
        let p = Page::from_rows(ids[..2].to_vec(), req, |u| *u);
        assert!(p.next_cursor.is_none());
    }
}
