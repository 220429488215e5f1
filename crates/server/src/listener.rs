//! The connections the server accepts: at most `--connection-limit` at
//! once (more wait in the system's queue), each closed when it has neither
//! sent nor received a byte for `--idle-timeout-secs`, and when bytes it
//! received have waited for an answer (any byte written) longer than
//! `--request-timeout-secs` plus that idle time. A client that opens
//! connections and sends nothing, or trickles its headers a byte at a time,
//! cannot hold the server's capacity. (hyper's own header timeout needs a
//! timer that `axum::serve` does not give it.)

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
    io: Pin<Box<TimeoutStream<TcpStream>>>,
    /// When the first byte not yet answered arrived (any byte the server
    /// writes is an answer).
    unanswered_since: Option<Instant>,
    answer_within: Duration,
    _slot: OwnedSemaphorePermit,
}

impl GuardedIo {
    fn answered(&mut self, written: &Poll<io::Result<usize>>) {
        if matches!(written, Poll::Ready(Ok(n)) if *n > 0) {
            self.unanswered_since = None;
        }
    }
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
                    io.set_read_timeout(Some(self.idle));
                    io.set_write_timeout(Some(self.idle));
                    return (
                        GuardedIo {
                            io: Box::pin(io),
                            unanswered_since: None,
                            answer_within: self.answer_within,
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
            return Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "a request was not answered in time",
            )));
        }
        let before = buf.filled().len();
        let read = self.io.as_mut().poll_read(cx, buf);
        if self.unanswered_since.is_none() && buf.filled().len() > before {
            self.unanswered_since = Some(Instant::now());
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
