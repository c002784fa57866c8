package dev.jaccel.deviceplugin.server;

import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * gRPC over Unix domain sockets with Netty's epoll transport (the kubelet speaks gRPC on
 * {@code unix://} sockets only). One event loop thread serves every socket of the process: the
 * plugin's traffic is a handful of calls per pod start.
 */
public final class UdsTransport implements AutoCloseable {
    private static final String NETTY_NO_UNSAFE = "io.grpc.netty.shaded.io.netty.noUnsafe";

    static {
        // Netty's sun.misc.Unsafe fast paths make JDK 24+ print a deprecation warning and buy nothing
        // at a few calls per pod start; set before any Netty class loads
        if (System.getProperty(NETTY_NO_UNSAFE) == null) {
            System.setProperty(NETTY_NO_UNSAFE, "true");
        }
        // the client bootstrap offers SO_KEEPALIVE, which a Unix socket does not have: one warning per
        // connection, of no consequence
        Logger.getLogger("io.grpc.netty.shaded.io.netty.bootstrap").setLevel(Level.SEVERE);
    }

    private final EventLoopGroup loop;

    public UdsTransport() {
        this.loop = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    }

    /** Listens on {@code socket} (which must not exist) with these services. */
    public Server serve(Path socket, BindableService... services) throws IOException {
        NettyServerBuilder b = NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .channelType(EpollServerDomainSocketChannel.class)
                .bossEventLoopGroup(loop)
                .workerEventLoopGroup(loop);
        for (BindableService s : services) {
            b.addService(s);
        }
        return b.build().start();
    }

    /** A plaintext channel to the gRPC server on {@code socket}. */
    public ManagedChannel connect(Path socket) {
        return NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .channelType(EpollDomainSocketChannel.class)
                .eventLoopGroup(loop)
                .usePlaintext()
                .build();
    }

    @Override
    public void close() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
