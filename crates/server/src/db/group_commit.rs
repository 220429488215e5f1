//! Group commit for SQLite: the changes of many concurrent requests are
//! made in one transaction, each in its own savepoint, and acknowledged
//! once that transaction is on disk. SQLite syncs its log once per commit
//! and has one writer, so committing request by request caps writes at
//! one disk sync each; batching keeps every acknowledged change durable
//! (`synchronous = FULL`) and lets throughput follow the load.
//!
//! One task owns the batching. A request's change that fails is rolled back
//! to its savepoint alone; if the commit itself fails, every request of the
//! batch gets the error and nothing of it was stored.

use std::panic::AssertUnwindSafe;

use futures_util::FutureExt;
use sqlx::{AnyPool, Connection};
use tokio::sync::{mpsc, oneshot};

use super::{begin_write, DbKind, Work};
use crate::error::{ApiError, ApiResult};
use crate::reply::Reply;

/// Most changes in one transaction: enough to amortise the sync, few
/// enough that the first request of a batch does not wait long.
const MAX_BATCH: usize = 64;

struct Job {
    work: Box<dyn Work>,
    done: oneshot::Sender<ApiResult<Reply>>,
}

#[derive(Clone)]
pub struct GroupCommit {
    jobs: mpsc::Sender<Job>,
}

impl GroupCommit {
    pub fn start(pool: AnyPool) -> GroupCommit {
        let (jobs, queue) = mpsc::channel(4 * MAX_BATCH);
        tokio::spawn(commit_forever(pool, queue));
        GroupCommit { jobs }
    }

    /// Runs `work` in the next batch; answers once the batch is committed.
    /// The change happens even if the caller stops waiting.
    pub async fn run(&self, work: Box<dyn Work>) -> ApiResult<Reply> {
        let (done, answer) = oneshot::channel();
        self.jobs
            .send(Job { work, done })
            .await
            .map_err(|_| ApiError::internal().detail("the writer has stopped"))?;
        answer
            .await
            .map_err(|_| ApiError::internal().detail("the writer dropped a change"))?
    }
}

async fn commit_forever(pool: AnyPool, mut queue: mpsc::Receiver<Job>) {
    while let Some(first) = queue.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let (works, answers): (Vec<Box<dyn Work>>, Vec<_>) =
            batch.into_iter().map(|j| (j.work, j.done)).unzip();
        let results = match AssertUnwindSafe(commit(&pool, works)).catch_unwind().await {
            Ok(Ok(results)) => results,
            Ok(Err(e)) => {
                let error = ApiError::from(e);
                answers.iter().map(|_| Err(error.clone())).collect()
            }
            Err(_) => {
                let error =
                    ApiError::internal().caused_by("a change panicked; its batch was rolled back");
                answers.iter().map(|_| Err(error.clone())).collect()
            }
        };
        for (answer, result) in answers.into_iter().zip(results) {
            // The requester may have gone; its change is stored all the same.
            let _ = answer.send(result);
        }
    }
}

async fn commit(
    pool: &AnyPool,
    works: Vec<Box<dyn Work>>,
) -> Result<Vec<ApiResult<Reply>>, sqlx::Error> {
    let mut tx = begin_write(pool, DbKind::Sqlite).await?;
    let mut results = Vec::with_capacity(works.len());
    for work in works {
        let mut savepoint = tx.begin().await?;
        let result = work(&mut savepoint).await;
        if result.is_ok() {
            savepoint.commit().await?;
        } else {
            savepoint.rollback().await?;
        }
        results.push(result);
    }
    tx.commit().await?;
    Ok(results)
}
