//! The connections the server accepts: at most `--connection-limit` at
//! once (more wait in the system's queue), each closed when it has neither
//! sent nor received a byte for `--idle-timeout-secs`, and when bytes it
//! received have waited for an answer (any byte written) longer than
//! `--request-timeout-secs` plus that idle time. A client that opens
//! connections and sends nothing, or trickles its headers a byte at a time,
//! cannot hold the server's capacity. (hyper's own header timeout needs a
//! timer that `axum::serve` does not give it.)

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio_io_timeout::TimeoutStream;

pub struct Guarded {
    inner: TcpListener,
    slots: Arc<Semaphore>,
    idle: Duration,
    answer_within: Duration,
}

impl Guarded {
    pub fn new(
        inner: TcpListener,
        connection_limit: usize,
        idle: Duration,
        request_timeout: Duration,
    ) -> Guarded {
        Guarded {
            inner,
            slots: Arc::new(Semaphore::new(connection_limit.max(1))),
            idle,
            answer_within: request_timeout.saturating_add(idle),
        }
    }
}

/// An accepted connection, holding its slot until it closes.
pub struct GuardedIo {
    /// With a write timeout (a client that reads nothing for the idle
    /// time); the read side's idle time is `idle` below.
    io: Pin<Box<TimeoutStream<TcpStream>>>,
    /// When the first byte not yet answered arrived (any byte the server
    /// writes is an answer).
    unanswered_since: Option<Instant>,
    answer_within: Duration,
    /// A read waiting longer than this since the last byte read *or
    /// written* fails: hyper keeps a read waiting while it writes an
    /// answer (to notice a client that leaves), and a long download over
    /// a slow link is not idle.
    idle: Duration,
    last_byte: Instant,
    idle_timer: Pin<Box<tokio::time::Sleep>>,
    _slot: OwnedSemaphorePermit,
}

impl GuardedIo {
    fn answered(&mut self, written: &Poll<io::Result<usize>>) {
        if matches!(written, Poll::Ready(Ok(n)) if *n > 0) {
            self.unanswered_since = None;
            self.last_byte = Instant::now();
        }
    }
}

fn timed_out(why: &str) -> io::Error {
    io::Error::new(io::ErrorKind::TimedOut, why.to_owned())
}

impl axum::serve::Listener for Guarded {
    type Io = GuardedIo;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            // The semaphore is never closed: a slot always comes.
            let Ok(slot) = self.slots.clone().acquire_owned().await else {
                continue;
            };
            match self.inner.accept().await {
                Ok((stream, addr)) => {
                    let _ = stream.set_nodelay(true);
                    let mut io = TimeoutStream::new(stream);
                    io.set_write_timeout(Some(self.idle));
                    let now = Instant::now();
                    return (
                        GuardedIo {
                            io: Box::pin(io),
                            unanswered_since: None,
                            answer_within: self.answer_within,
                            idle: self.idle,
                            last_byte: now,
                            idle_timer: Box::pin(tokio::time::sleep_until(
                                (now + self.idle).into(),
                            )),
                            _slot: slot,
                        },
                        addr,
                    );
                }
                Err(e) => {
                    // Out of file descriptors and the like: wait, try again.
                    tracing::warn!(error = %e, "a connection could not be accepted");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.local_addr()
    }
}

impl AsyncRead for GuardedIo {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self
            .unanswered_since
            .is_some_and(|since| since.elapsed() > self.answer_within)
        {
            return Poll::Ready(Err(timed_out("a request was not answered in time")));
        }
        let before = buf.filled().len();
        let read = self.io.as_mut().poll_read(cx, buf);
        if buf.filled().len() > before {
            self.last_byte = Instant::now();
            if self.unanswered_since.is_none() {
                self.unanswered_since = Some(self.last_byte);
            }
        }
        if read.is_pending() {
            let deadline = self.last_byte + self.idle;
            if Instant::now() >= deadline {
                return Poll::Ready(Err(timed_out("the connection was idle")));
            }
            // Wakes this read at the deadline, to look again.
            self.idle_timer.as_mut().reset(deadline.into());
            if self.idle_timer.as_mut().poll(cx).is_ready() {
                return Poll::Ready(Err(timed_out("the connection was idle")));
            }
        }
        read
    }
}

impl AsyncWrite for GuardedIo {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let written = self.io.as_mut().poll_write(cx, buf);
        self.answered(&written);
        written
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.io.as_mut().poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.io.as_mut().poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let written = self.io.as_mut().poll_write_vectored(cx, bufs);
        self.answered(&written);
        written
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::serve::Listener;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// hyper keeps a read waiting while it writes an answer: a download
    /// that keeps going is not idle, however long it takes; a connection
    /// silent both ways is closed after the idle time.
    #[tokio::test]
    async fn a_connection_writing_an_answer_is_not_idle() {
        let idle = Duration::from_millis(600);
        let inner = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = inner.local_addr().unwrap();
        let mut guarded = Guarded::new(inner, 1, idle, Duration::from_secs(60));
        let client = tokio::spawn(async move {
            let mut stream = TcpStream::connect(addr).await.unwrap();
            let mut got = Vec::new();
            let _ = stream.read_to_end(&mut got).await;
            got.len()
        });
        let (io, _) = guarded.accept().await;
        let (mut reader, mut writer) = tokio::io::split(io);
        let waiting = tokio::spawn(async move { reader.read(&mut [0u8; 1]).await });
        let started = Instant::now();
        let mut sent = 0;
        while started.elapsed() < idle * 4 {
            writer.write_all(b"x").await.unwrap();
            sent += 1;
            tokio::time::sleep(Duration::from_millis(40)).await;
        }
        assert!(!waiting.is_finished(), "closed while answering");
        let read = tokio::time::timeout(Duration::from_secs(10), waiting)
            .await
            .expect("closed once silent")
            .unwrap();
        assert_eq!(read.unwrap_err().kind(), io::ErrorKind::TimedOut);
        drop(writer);
        assert_eq!(client.await.unwrap(), sent);
    }
}
