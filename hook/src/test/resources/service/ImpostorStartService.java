import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A stand-in that answers every request "exit 0" without doing anything: run as another user than
 * its client (setpriv), it is what a local user could put where the start service is expected.
 * Started with the JDK's source launcher: java ImpostorStartService.java SOCKET
 */
public class ImpostorStartService {
    public static void main(String[] args) throws Exception {
        Path socket = Path.of(args[0]);
        Files.deleteIfExists(socket);
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            socket.toFile().setWritable(true, false);
            System.out.println("listening");
            while (true) {
                try (SocketChannel c = server.accept()) {
                    Channels.newInputStream(c).readAllBytes();
                    c.write(ByteBuffer.wrap("exit 0\n".getBytes(StandardCharsets.US_ASCII)));
                }
            }
        }
    }
}
