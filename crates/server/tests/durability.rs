//! Nothing lost: a ballot the server acknowledged is still there after the
//! server is killed with SIGKILL and started again on the same database.

mod support;

use support::{database_url, Server, OPTIONS};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_ballots_survive_kill_9_and_restart() {
    let dir = tempfile::tempdir().unwrap();
    let db = database_url(&dir);
    let mut server = Server::start(&db, &[]);
    let (_, poll) = server.import_fixture("durability").await;

    let mut acknowledged = Vec::new();
    for i in 0..20 {
        let token = server.participant().await;
        let ranking = [OPTIONS[i % 5], OPTIONS[(i + 2) % 5]];
        let (status, receipt) = server
            .cast(&poll, &token, &ranking, Some(&format!("k{i}")))
            .await;
        assert_eq!(status, 200, "{receipt}");
        acknowledged.push((token, ranking, receipt));
    }
    // Killed right after the last acknowledgement: no graceful shutdown.
    server.kill_9();

    let server = Server::start(&db, &[]);
    for (token, ranking, receipt) in &acknowledged {
        let (status, mine) = server
            .get(&format!("/v1/polls/{poll}/ballot"), Some(token))
            .await;
        assert_eq!(status, 200, "an acknowledged ballot is gone: {mine}");
        assert_eq!(mine["ranking"], serde_json::json!(ranking));
        assert_eq!(&mine["receipt"], receipt);
    }
    // The close counts every acknowledged ballot.
    server
        .moderate(
            &format!("/v1/moderation/polls/{poll}/status"),
            serde_json::json!({"status": "closed"}),
        )
        .await;
    let (_, results) = server.get(&format!("/v1/polls/{poll}/results"), None).await;
    assert_eq!(results["total_ballots"], "20");
}
