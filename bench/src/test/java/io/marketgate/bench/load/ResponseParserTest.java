package io.marketgate.bench.load;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ResponseParserTest {
  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  void contentLengthResponseFedByteByByte() {
    String response =
        "HTTP/1.1 200 OK\r\nServer: x\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello";
    ResponseParser parser = new ResponseParser();
    byte[] all = bytes(response);
    for (int i = 0; i < all.length - 1; i++) {
      assertEquals(ResponseParser.INCOMPLETE, parser.feed(new byte[] {all[i]}), "at byte " + i);
    }
    assertEquals(200, parser.feed(new byte[] {all[all.length - 1]}));
    assertEquals("hello", parser.body());
    assertFalse(parser.connectionClose());
  }

  @Test
  void chunkedResponseAndHeaderCaseAreHandled() {
    ResponseParser parser = new ResponseParser();
    assertEquals(
        ResponseParser.INCOMPLETE,
        parser.feed(
            bytes(
                "HTTP/1.1 503 Service Unavailable\r\nTRANSFER-ENCODING: chunked\r\nconnection: close\r\n\r\n4\r\nWiki\r\n")));
    assertEquals(503, parser.feed(bytes("5\r\npedia\r\n0\r\n\r\n")));
    assertEquals("Wikipedia", parser.body());
    assertTrue(parser.connectionClose());
  }

  @Test
  void twoResponsesInOneReadAreSeparated() {
    ResponseParser parser = new ResponseParser();
    assertEquals(
        404,
        parser.feed(
            bytes(
                "HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\nnoHTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nyes")));
    assertEquals("no", parser.body());
    parser.reset();
    assertEquals(200, parser.feed(new byte[0]));
    assertEquals("yes", parser.body());
  }

  @Test
  void emptyBodyIsComplete() {
    assertEquals(
        204,
        new ResponseParser().feed(bytes("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n")));
  }

  @Test
  void garbageIsRejected() {
    assertThrows(
        IllegalStateException.class,
        () -> new ResponseParser().feed(bytes("SSH-2.0-OpenSSH\r\n\r\n")));
  }
}
