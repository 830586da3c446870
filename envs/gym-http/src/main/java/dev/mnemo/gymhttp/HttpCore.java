package dev.mnemo.gymhttp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP/1.1 transport of {@link GymHttpServer}: one selector thread accepts connections and reads
 * requests without blocking; a request is handed to the handler only once its headers and body have fully
 * arrived; replies are written without blocking.
 *
 * <p>Why not {@code com.sun.net.httpserver}: it reads a request's headers and body with blocking reads on
 * the thread that serves it, and has no read timeout of its own. With its default executor that thread is
 * the dispatcher, so one client that sends half a request and stops blocked every other client (the bug
 * this class fixes); with a pool, each such client holds one pool thread, and a handful of them exhaust
 * it. Its only remedies are the JVM-wide properties {@code sun.net.httpserver.maxReqTime} /
 * {@code idleInterval}, read once when its classes load (so not per server, not settable from
 * {@code serve-gym} flags once another server ran in the JVM), checked by a timer with one-second
 * granularity. Here a stalled or slow client holds no thread at all: its bytes wait in its connection's
 * buffer until the request is complete or its deadline passes (then 408 and close). The handler threads
 * are a fixed pool whose queue can never hold more than one request per open connection, and the number
 * of connections is capped, so nothing grows without bound.
 *
 * <p>Deadlines (checked every tick, a tenth of the shortest timeout, 5-250 ms): a request must arrive in
 * full within {@code readTimeout} of its first byte; a reply must be taken by the client within
 * {@code readTimeout}; a keep-alive connection with no request in progress is closed after
 * {@code idleTimeout}. A body over {@code maxBodyBytes} is answered 413 as soon as its length is known
 * (from {@code Content-Length}, or while chunks arrive) and the connection closed without reading it;
 * headers over 16 KiB are answered 431. Connections beyond {@code maxConnections} are answered 503 and
 * closed.
 *
 * <p>Supported: {@code Content-Length} and {@code chunked} request bodies, {@code Expect: 100-continue},
 * keep-alive (HTTP/1.1 default, HTTP/1.0 on request), pipelined requests (answered in order). Not:
 * TLS, HTTP/2, trailers (ignored), request smuggling defences beyond refusing a request that carries both
 * {@code Content-Length} and {@code Transfer-Encoding}.
 */
final class HttpCore implements AutoCloseable {

  /** A complete request. {@code path} is the raw (still percent-encoded) path of the target. */
  record Request(String method, String path, String query, Map<String, String> headers, byte[] body) {
    String header(String lowerCaseName) {
      return headers.get(lowerCaseName);
    }
  }

  /**
   * A reply; {@code body} empty for 204. {@code close}: close the connection after writing it.
   * {@code afterWrite}: run (on the selector thread) once the reply has been written, or null.
   */
  record Response(int status, byte[] body, int length, boolean close, Runnable afterWrite) {
    Response(int status, byte[] body, int length, boolean close) {
      this(status, body, length, close, null);
    }

    static Response json(int status, byte[] body) {
      return new Response(status, body, body.length, false);
    }
  }

  /** Serves one complete request; must not throw (the transport answers 500 if it does). */
  interface Handler {
    Response handle(Request request);
  }

  /** Builds the JSON error body {@code {"message": ...}} for the transport's own errors. */
  interface ErrorBody {
    byte[] message(String text);
  }

  /**
   * @param threads handler threads; 0 = the selector thread runs the handler itself (no hand-off; one
   *     request at a time; right for envs that step in microseconds)
   * @param readTimeoutMillis time allowed for a whole request to arrive, and for a reply to be taken
   * @param idleTimeoutMillis a keep-alive connection without a request in progress is closed after this
   * @param maxBodyBytes larger request bodies are answered 413
   * @param maxConnections further connections are answered 503 and closed
   */
  record Limits(int threads, long readTimeoutMillis, long idleTimeoutMillis, int maxBodyBytes,
      int maxConnections) {
    Limits {
      if (threads < 0 || readTimeoutMillis <= 0 || idleTimeoutMillis <= 0 || maxBodyBytes < 0
          || maxConnections <= 0) {
        throw new IllegalArgumentException("HTTP limits: threads >= 0, timeouts > 0, maxBodyBytes >= 0 and"
            + " maxConnections > 0, got " + this);
      }
    }
  }

  static final int MAX_HEADER_BYTES = 16 * 1024;
  private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  /** LINGER: the last reply is out and our side shut; unread request bytes are drained, then closed. */
  private enum State { IDLE, READING, HANDLING, WRITING, LINGER }

  private final Limits limits;
  private final Handler handler;
  private final ErrorBody errors;
  private final ServerSocketChannel listener;
  private final Selector selector;
  private final ExecutorService pool;
  private final Thread loop;
  private final Queue<Conn> handled = new ConcurrentLinkedQueue<>();
  private final List<Conn> conns = new ArrayList<>();
  private final AtomicInteger open = new AtomicInteger();
  private int rejecting;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final long tickMillis;
  private volatile boolean running = true;

  HttpCore(InetSocketAddress address, Limits limits, Handler handler, ErrorBody errors) throws IOException {
    this.limits = limits;
    this.handler = handler;
    this.errors = errors;
    this.selector = Selector.open();
    this.listener = ServerSocketChannel.open();
    try {
      listener.bind(address, Math.max(64, Math.min(limits.maxConnections(), 4096)));
      listener.configureBlocking(false);
      listener.register(selector, SelectionKey.OP_ACCEPT);
    } catch (IOException e) {
      listener.close();
      selector.close();
      throw e;
    }
    this.tickMillis = Math.max(5, Math.min(250, Math.min(limits.readTimeoutMillis(),
        limits.idleTimeoutMillis()) / 10));
    AtomicInteger n = new AtomicInteger();
    // Fixed threads; the queue is unbounded as a type but never holds more than one request per open
    // connection (a connection is not read while its request is being handled), so maxConnections bounds it.
    this.pool = limits.threads() == 0 ? null : new ThreadPoolExecutor(limits.threads(), limits.threads(), 0L,
        TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, "gym-http-handler-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    this.loop = new Thread(this::run, "gym-http-selector");
    loop.setDaemon(true);
    loop.start();
  }

  InetSocketAddress address() {
    try {
      return (InetSocketAddress) listener.getLocalAddress();
    } catch (IOException e) {
      throw new IllegalStateException("gym-http server: no local address", e);
    }
  }

  /** Open client connections. */
  int connections() {
    return open.get();
  }

  /** Stops at once: closes the listener and every connection; requests being handled finish unanswered. */
  @Override
  public void close() {
    running = false;
    selector.wakeup();
    if (Thread.currentThread() != loop) {
      try {
        stopped.await(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (pool != null) {
      pool.shutdownNow();
    }
  }

  boolean awaitStopped(long timeout, TimeUnit unit) throws InterruptedException {
    return stopped.await(timeout, unit);
  }

  // ---------------------------------------------------------------- the selector thread

  private void run() {
    long nextSweep = System.nanoTime();
    try {
      while (running) {
        selector.select(tickMillis);
        Conn c;
        while ((c = handled.poll()) != null) {
          afterHandled(c);
        }
        Iterator<SelectionKey> it = selector.selectedKeys().iterator();
        while (it.hasNext()) {
          SelectionKey key = it.next();
          it.remove();
          if (!key.isValid()) {
            continue;
          }
          if (key.isAcceptable()) {
            accept();
            continue;
          }
          Conn conn = (Conn) key.attachment();
          try {
            if (key.isWritable()) {
              conn.flush();
            }
            if (key.isValid() && key.isReadable()) {
              conn.read();
            }
          } catch (IOException | RuntimeException e) {
            conn.close();
          }
        }
        long now = System.nanoTime();
        if (now - nextSweep >= 0) {
          sweep(now);
          nextSweep = now + tickMillis * 1_000_000L;
        }
      }
    } catch (IOException | RuntimeException e) {
      // The selector itself failed: nothing can be served any more; close everything below.
    } finally {
      for (Conn c : new ArrayList<>(conns)) {
        c.close();
      }
      try {
        listener.close();
        selector.close();
      } catch (IOException ignored) {
        // closing anyway
      }
      stopped.countDown();
    }
  }

  private void accept() throws IOException {
    SocketChannel ch;
    while ((ch = listener.accept()) != null) {
      ch.configureBlocking(false);
      ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
      if (open.get() >= limits.maxConnections()) {
        if (rejecting >= limits.maxConnections()) {
          ch.close(); // a flood: not even a reply
          continue;
        }
        // Answered and closed like any error reply (lingering, so the client reads it rather than a reset).
        Conn conn = new Conn(ch, System.nanoTime(), false);
        conn.key = ch.register(selector, 0, conn);
        conns.add(conn);
        rejecting++;
        conn.fail(503, "too many connections (at most " + limits.maxConnections() + "); retry later");
        continue;
      }
      Conn conn = new Conn(ch, System.nanoTime(), true);
      conn.key = ch.register(selector, SelectionKey.OP_READ, conn);
      conns.add(conn);
      open.incrementAndGet();
    }
  }

  private void sweep(long now) {
    for (Conn c : new ArrayList<>(conns)) {
      long age = (now - c.since) / 1_000_000L;
      switch (c.state) {
        case IDLE -> {
          if (age >= limits.idleTimeoutMillis()) {
            c.close();
          }
        }
        case READING -> {
          if (age >= limits.readTimeoutMillis()) {
            c.fail(408, "request not received in full within " + limits.readTimeoutMillis() + " ms");
          }
        }
        case WRITING -> {
          if (age >= limits.readTimeoutMillis()) {
            c.close();
          }
        }
        case LINGER -> {
          if (age >= Math.min(limits.readTimeoutMillis(), 1000)) {
            c.close();
          }
        }
        case HANDLING -> {
          // the env's time, not the client's
        }
      }
    }
  }

  private void afterHandled(Conn c) {
    if (!c.ch.isOpen()) {
      return;
    }
    try {
      c.flush();
    } catch (IOException | RuntimeException e) {
      c.close();
    }
  }

  /** Status line and headers, then the body, in one array. */
  private static byte[] head(int status, byte[] body, boolean close) {
    return head(status, body, body.length, close);
  }

  private static byte[] head(int status, byte[] body, int length, boolean close) {
    StringBuilder h = new StringBuilder(128).append("HTTP/1.1 ").append(status).append(' ')
        .append(reason(status)).append("\r\nServer: mnemo-gym-http\r\n");
    if (status != 204) {
      h.append("Content-Type: application/json\r\nContent-Length: ").append(length).append("\r\n");
    }
    if (close) {
      h.append("Connection: close\r\n");
    }
    h.append("\r\n");
    byte[] head = h.toString().getBytes(StandardCharsets.US_ASCII);
    int n = status == 204 ? 0 : length;
    byte[] all = new byte[head.length + n];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(body, 0, all, head.length, n);
    return all;
  }

  static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 204 -> "No Content";
      case 400 -> "Bad Request";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 408 -> "Request Timeout";
      case 413 -> "Content Too Large";
      case 429 -> "Too Many Requests";
      case 431 -> "Request Header Fields Too Large";
      case 500 -> "Internal Server Error";
      case 501 -> "Not Implemented";
      case 503 -> "Service Unavailable";
      default -> "Status " + status;
    };
  }

  /** One client connection; touched by the selector thread, and by one handler thread while HANDLING. */
  private final class Conn {
    final SocketChannel ch;
    SelectionKey key;
    ByteBuffer in = ByteBuffer.allocate(1024);
    /** Reply being written (selector thread), or set by the handler thread before the hand-back. */
    ByteBuffer out;
    boolean closeAfterWrite;
    Runnable afterWrite;
    State state = State.IDLE;
    long since;
    boolean sentContinue;
    boolean closed;
    /** Counted in {@link #open}; false for a connection accepted over the cap only to be answered 503. */
    final boolean counted;

    Conn(SocketChannel ch, long now, boolean counted) {
      this.ch = ch;
      this.since = now;
      this.counted = counted;
    }

    void read() throws IOException {
      if (state == State.LINGER) {
        in.clear();
        if (ch.read(in) < 0) {
          close();
        }
        return;
      }
      if (state != State.IDLE && state != State.READING) {
        return;
      }
      while (true) {
        if (!in.hasRemaining()) {
          // Full: look at what arrived first, so an oversized body is refused from its headers, not read.
          parse();
          if (state != State.READING) {
            return;
          }
          int cap = in.capacity();
          int max = MAX_HEADER_BYTES + limits.maxBodyBytes() + 64;
          if (cap >= max) {
            // Cannot happen for a well-formed request (parse() refuses larger ones first); be safe.
            fail(413, "request larger than " + limits.maxBodyBytes() + " bytes of body");
            return;
          }
          ByteBuffer bigger = ByteBuffer.allocate((int) Math.min(max, (long) cap * 2));
          in.flip();
          bigger.put(in);
          in = bigger;
        }
        int r = ch.read(in);
        if (r < 0) {
          close();
          return;
        }
        if (r == 0) {
          break;
        }
        if (state == State.IDLE) {
          state = State.READING;
          since = System.nanoTime();
        }
      }
      parse();
    }

    /** Tries to cut one complete request from the buffer; dispatches it, or waits for more bytes. */
    void parse() throws IOException {
      if (state != State.READING && !(state == State.IDLE && in.position() > 0)) {
        return;
      }
      if (state == State.IDLE) {
        state = State.READING;
        since = System.nanoTime();
      }
      byte[] b = in.array();
      int n = in.position();
      int headEnd = indexOf(b, n);
      if (headEnd < 0) {
        if (n > MAX_HEADER_BYTES) {
          fail(431, "request headers larger than " + MAX_HEADER_BYTES + " bytes");
        }
        return;
      }
      if (headEnd > MAX_HEADER_BYTES) {
        fail(431, "request headers larger than " + MAX_HEADER_BYTES + " bytes");
        return;
      }
      String[] lines = new String(b, 0, headEnd, StandardCharsets.ISO_8859_1).split("\r\n");
      String[] first = lines[0].split(" ");
      if (first.length != 3 || !first[2].startsWith("HTTP/1.")) {
        fail(400, "malformed request line '" + lines[0] + "'");
        return;
      }
      Map<String, String> headers = new HashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        if (colon <= 0) {
          fail(400, "malformed header line '" + lines[i] + "'");
          return;
        }
        String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String value = lines[i].substring(colon + 1).trim();
        headers.merge(name, value, (a, v) -> a + "," + v);
      }
      int bodyStart = headEnd + 4;
      String te = headers.get("transfer-encoding");
      String cl = headers.get("content-length");
      byte[] body;
      int end;
      if (te != null) {
        if (cl != null || !te.equalsIgnoreCase("chunked")) {
          fail(400, "unsupported Transfer-Encoding '" + te + "'" + (cl != null ? " with Content-Length" : "")
              + "; send Content-Length or chunked alone");
          return;
        }
        long[] result = new long[2];
        int status = dechunk(b, bodyStart, n, result);
        if (status == 413) {
          fail(413, "request body larger than " + limits.maxBodyBytes() + " bytes");
          return;
        }
        if (status == 400) {
          fail(400, "malformed chunked body");
          return;
        }
        if (status != 200) {
          maybeContinue(headers);
          return; // incomplete
        }
        end = (int) result[1];
        body = new byte[(int) result[0]];
        dechunkInto(b, bodyStart, body);
      } else {
        long length = 0;
        if (cl != null) {
          try {
            length = Long.parseLong(cl);
          } catch (NumberFormatException e) {
            length = -1;
          }
          if (length < 0) {
            fail(400, "malformed Content-Length '" + cl + "'");
            return;
          }
        }
        if (length > limits.maxBodyBytes()) {
          fail(413, "request body of " + length + " bytes is larger than the limit of " + limits.maxBodyBytes()
              + " bytes");
          return;
        }
        if (n - bodyStart < length) {
          maybeContinue(headers);
          return;
        }
        end = bodyStart + (int) length;
        body = java.util.Arrays.copyOfRange(b, bodyStart, end);
      }
      // Keep pipelined bytes after this request for later.
      System.arraycopy(b, end, b, 0, n - end);
      in.position(n - end);
      String target = first[1];
      if (target.startsWith("http://") || target.startsWith("https://")) {
        int slash = target.indexOf('/', target.indexOf("//") + 2);
        target = slash < 0 ? "/" : target.substring(slash);
      }
      int q = target.indexOf('?');
      String path = q < 0 ? target : target.substring(0, q);
      String query = q < 0 ? "" : target.substring(q + 1);
      String connection = headers.getOrDefault("connection", "").toLowerCase(Locale.ROOT);
      closeAfterWrite = first[2].equals("HTTP/1.0") ? !connection.contains("keep-alive")
          : connection.contains("close");
      sentContinue = false;
      Request request = new Request(first[0], path, query, headers, body);
      state = State.HANDLING;
      key.interestOps(0);
      if (pool == null) {
        respond(request);
        flush();
      } else {
        pool.execute(() -> {
          respond(request);
          handled.add(this);
          selector.wakeup();
        });
      }
    }

    private void maybeContinue(Map<String, String> headers) throws IOException {
      if (!sentContinue && "100-continue".equalsIgnoreCase(headers.get("expect"))) {
        sentContinue = true;
        ch.write(ByteBuffer.wrap(CONTINUE)); // 25 bytes into an idle socket: written whole
      }
    }

    /** Runs the handler (on whichever thread) and leaves the reply in {@link #out}. */
    private void respond(Request request) {
      Response r;
      try {
        r = handler.handle(request);
      } catch (RuntimeException e) {
        r = Response.json(500, errors.message("internal error: " + e));
      }
      closeAfterWrite |= r.close();
      afterWrite = r.afterWrite();
      out = ByteBuffer.wrap(head(r.status(), r.body(), r.length(), closeAfterWrite));
    }

    /** Writes what it can of {@link #out}; then back to reading (or closed). Selector thread only. */
    void flush() throws IOException {
      if (closed) {
        return;
      }
      if (state == State.HANDLING) {
        state = State.WRITING;
        since = System.nanoTime();
      }
      while (out != null && out.hasRemaining()) {
        if (ch.write(out) == 0) {
          key.interestOps(SelectionKey.OP_WRITE);
          return;
        }
      }
      out = null;
      if (afterWrite != null) {
        Runnable after = afterWrite;
        afterWrite = null;
        after.run();
      }
      if (closeAfterWrite) {
        linger();
        return;
      }
      state = State.IDLE;
      since = System.nanoTime();
      key.interestOps(SelectionKey.OP_READ);
      if (in.position() > 0) {
        parse(); // a pipelined request already arrived
      }
    }

    /** Answers a transport error and closes after writing it. */
    void fail(int status, String message) {
      out = ByteBuffer.wrap(head(status, errors.message(message), true));
      closeAfterWrite = true;
      state = State.WRITING;
      since = System.nanoTime();
      try {
        key.interestOps(0);
        flush();
      } catch (IOException | RuntimeException e) {
        close();
      }
    }

    /**
     * After the last reply: shut our side (FIN) and drain what the client still sends, so that closing with
     * unread bytes does not reset the connection before the client has read the reply.
     */
    private void linger() throws IOException {
      ch.shutdownOutput();
      state = State.LINGER;
      since = System.nanoTime();
      in = ByteBuffer.allocate(1024);
      key.interestOps(SelectionKey.OP_READ);
    }

    void close() {
      if (closed) {
        return;
      }
      closed = true;
      conns.remove(this);
      if (counted) {
        open.decrementAndGet();
      } else {
        rejecting--;
      }
      try {
        if (key != null) {
          key.cancel();
        }
        ch.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }

    /**
     * Checks a chunked body in {@code b[from, n)}: 200 complete ({@code out[0]} body length,
     * {@code out[1]} the index after it), 0 incomplete, 400 malformed, 413 over the limit.
     */
    private int dechunk(byte[] b, int from, int n, long[] result) {
      int p = from;
      long total = 0;
      while (true) {
        int eol = lineEnd(b, p, n);
        if (eol < 0) {
          return n - p > 32 ? 400 : 0; // a chunk-size line is short
        }
        String sizeText = new String(b, p, eol - p, StandardCharsets.ISO_8859_1);
        int semi = sizeText.indexOf(';');
        long size;
        try {
          size = Long.parseLong((semi < 0 ? sizeText : sizeText.substring(0, semi)).trim(), 16);
        } catch (NumberFormatException e) {
          return 400;
        }
        if (size < 0) {
          return 400;
        }
        total += size;
        if (total > limits.maxBodyBytes()) {
          return 413;
        }
        p = eol + 2;
        if (size == 0) {
          // Trailers (ignored) until an empty line.
          while (true) {
            int t = lineEnd(b, p, n);
            if (t < 0) {
              return 0;
            }
            if (t == p) {
              result[0] = total;
              result[1] = t + 2;
              return 200;
            }
            p = t + 2;
          }
        }
        if (n - p < size + 2) {
          return 0;
        }
        p += (int) size;
        if (b[p] != '\r' || b[p + 1] != '\n') {
          return 400;
        }
        p += 2;
      }
    }

    private void dechunkInto(byte[] b, int from, byte[] body) {
      int p = from;
      int w = 0;
      while (w < body.length) {
        int eol = lineEnd(b, p, b.length);
        String sizeText = new String(b, p, eol - p, StandardCharsets.ISO_8859_1);
        int semi = sizeText.indexOf(';');
        int size = Integer.parseInt((semi < 0 ? sizeText : sizeText.substring(0, semi)).trim(), 16);
        p = eol + 2;
        System.arraycopy(b, p, body, w, size);
        w += size;
        p += size + 2;
      }
    }
  }

  /** Index of the first CRLF at or after {@code from} in {@code b[.., n)}, or -1. */
  private static int lineEnd(byte[] b, int from, int n) {
    for (int i = from; i + 1 < n; i++) {
      if (b[i] == '\r' && b[i + 1] == '\n') {
        return i;
      }
    }
    return -1;
  }

  /** Index of the CRLFCRLF that ends the headers in {@code b[0, n)}, or -1. */
  private static int indexOf(byte[] b, int n) {
    for (int i = 0; i + 3 < n; i++) {
      if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
        return i;
      }
    }
    return -1;
  }

}
