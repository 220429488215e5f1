//! The contract over `fetch`, as a staff member calls it: every request
//! carries the staff token; answers are decoded into the contract's types
//! and refusals into [`ConsoleError`]s. Addresses come from the contract's
//! route table.

use gloo_net::http::{Request, RequestBuilder};
use plaza_contract::{HttpMethod, Operation, Page, Problem};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::ConsoleError;

/// How many pages a whole list is read in, at most (10,000 items at 100 a
/// page): a report of a larger deliberation stops there rather than loop.
const MAX_PAGES: usize = 100;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    /// Absolute base URL ending in `/v1`, without a trailing slash.
    base: String,
    token: String,
}

impl Client {
    pub fn new(base: &str, token: &str) -> Client {
        Client {
            base: base.trim_end_matches('/').to_owned(),
            token: token.to_owned(),
        }
    }

    /// The base URL, ending in `/v1`.
    pub fn base(&self) -> &str {
        &self.base
    }

    pub fn token(&self) -> &str {
        &self.token
    }

    /// The absolute address of `op` with its path parameters and query.
    pub fn url(&self, op: Operation, params: &[&str], query: &[(&str, Option<&str>)]) -> String {
        format!("{}{}", self.base, op.path_with_query(params, query))
    }

    pub async fn read<T: DeserializeOwned>(
        &self,
        op: Operation,
        params: &[&str],
        query: &[(&str, Option<&str>)],
    ) -> Result<T, ConsoleError> {
        let request = self
            .builder(op, params, query)
            .build()
            .map_err(|_| ConsoleError::Offline)?;
        answer(request).await
    }

    /// Every item of a list read page by page (at most `MAX_PAGES` pages).
    pub async fn read_all<T: DeserializeOwned>(
        &self,
        op: Operation,
        params: &[&str],
    ) -> Result<Vec<T>, ConsoleError> {
        let mut items = Vec::new();
        let mut cursor: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let page: Page<T> = self
                .read(
                    op,
                    params,
                    &[("cursor", cursor.as_deref()), ("limit", Some("100"))],
                )
                .await?;
            items.extend(page.items);
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => return Ok(items),
            }
        }
        Ok(items)
    }

    pub async fn write<B: Serialize, T: DeserializeOwned>(
        &self,
        op: Operation,
        params: &[&str],
        body: &B,
    ) -> Result<T, ConsoleError> {
        let json = serde_json::to_string(body).map_err(|e| ConsoleError::Refused(e.to_string()))?;
        let request = self
            .builder(op, params, &[])
            .header("Content-Type", "application/json")
            .body(json)
            .map_err(|_| ConsoleError::Offline)?;
        answer(request).await
    }

    fn builder(
        &self,
        op: Operation,
        params: &[&str],
        query: &[(&str, Option<&str>)],
    ) -> RequestBuilder {
        let url = self.url(op, params, query);
        let builder = match op.method() {
            HttpMethod::Get => Request::get(&url),
            HttpMethod::Post => Request::post(&url),
            HttpMethod::Put => Request::put(&url),
            HttpMethod::Delete => Request::delete(&url),
        };
        builder
            .header("Accept", "application/json")
            .header("Authorization", &format!("Bearer {}", self.token))
    }
}

async fn answer<T: DeserializeOwned>(request: Request) -> Result<T, ConsoleError> {
    let response = request.send().await.map_err(|_| ConsoleError::Offline)?;
    let status = response.status();
    let body = response.text().await.map_err(|_| ConsoleError::Offline)?;
    if !response.ok() {
        let problem = serde_json::from_str::<Problem>(&body).ok();
        return Err(ConsoleError::from_answer(status, problem));
    }
    serde_json::from_str(&body)
        .map_err(|e| ConsoleError::Refused(format!("the answer could not be read ({e})")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_come_from_the_route_table() {
        let client = Client::new("https://city.example/v1/", "t");
        assert_eq!(
            client.url(Operation::SetPhase, &["rue des lilas"], &[]),
            "https://city.example/v1/moderation/deliberations/rue%20des%20lilas/phase"
        );
        assert_eq!(
            client.url(
                Operation::ListModerationLog,
                &[],
                &[("cursor", Some("c1")), ("limit", None)]
            ),
            "https://city.example/v1/moderation/log?cursor=c1"
        );
    }
}
