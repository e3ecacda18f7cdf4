package org.fhirbus.fhirserver;

import ca.uhn.fhir.rest.server.RestfulServer;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One HAPI FHIR R4 JPA server (H2 in memory) on one loopback port, at http://HOST:PORT/fhir.
 * Stops cleanly on SIGTERM / SIGINT.
 */
public final class Main {
	private static final Logger LOG = LoggerFactory.getLogger(Main.class);

	public static void main(String[] args) throws Exception {
		long t0 = System.nanoTime();
		ServerOptions opts;
		try {
			opts = ServerOptions.parse(args);
		} catch (IllegalArgumentException e) {
			System.err.println("fhirbus-fhir-server: " + e.getMessage());
			System.exit(2);
			return;
		}
		// Fail at once on a busy port, not after the half minute Spring and Hibernate take.
		if (opts.port != 0) {
			try (ServerSocket probe = new ServerSocket()) {
				probe.bind(new InetSocketAddress(opts.host, opts.port));
			} catch (IOException e) {
				System.err.println("fhirbus-fhir-server: cannot listen on " + opts.host + ":" + opts.port + ": " + e.getMessage());
				System.exit(1);
				return;
			}
		}
		LOG.info("starting FHIR server '{}' at {}", opts.name, opts.baseUrl());

		AnnotationConfigApplicationContext spring = new AnnotationConfigApplicationContext();
		spring.getBeanFactory().registerSingleton("serverOptions", opts);
		spring.register(ServerConfig.class);
		try {
			spring.refresh();
		} catch (RuntimeException e) {
			LOG.error("FHIR server '{}' failed to start", opts.name, e);
			System.exit(1);
			return;
		}
		RestfulServer restful = spring.getBean(RestfulServer.class);

		Server jetty = new Server(new InetSocketAddress(opts.host, opts.port));
		ServletContextHandler handler = new ServletContextHandler();
		handler.setContextPath("/");
		ServletHolder holder = new ServletHolder(restful);
		holder.setInitOrder(0); // initialise the servlet at start, not on the first request
		handler.addServlet(holder, "/fhir/*");
		jetty.setHandler(handler);
		jetty.setStopAtShutdown(false);
		jetty.setStopTimeout(5000);

		AtomicBoolean stopped = new AtomicBoolean();
		Runnable stop = () -> {
			if (!stopped.compareAndSet(false, true)) {
				return;
			}
			LOG.info("stopping FHIR server '{}'", opts.name);
			try {
				jetty.stop();
			} catch (Exception e) {
				LOG.warn("jetty stop: {}", e.toString());
			}
			spring.close();
			LOG.info("stopped FHIR server '{}'", opts.name);
		};
		Runtime.getRuntime().addShutdownHook(new Thread(stop, "fhirbus-shutdown"));

		try {
			jetty.start();
		} catch (Exception e) {
			LOG.error("cannot listen on {}:{}: {}", opts.host, opts.port, e.toString());
			spring.close();
			System.exit(1);
			return;
		}
		Runtime rt = Runtime.getRuntime();
		long usedMb = (rt.totalMemory() - rt.freeMemory()) / (1024 * 1024);
		LOG.info("READY {} {} in {} ms (heap used {} MB, max {} MB)", opts.name, opts.baseUrl(),
			(System.nanoTime() - t0) / 1_000_000, usedMb, rt.maxMemory() / (1024 * 1024));
		if (opts.exitWhenReady) {
			int port = ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
			int status = exercise("http://" + opts.host + ":" + port + "/fhir");
			stop.run();
			System.exit(status);
		}
		jetty.join();
	}

	/** One request of each kind the exchange makes, so that their classes get loaded. */
	private static int exercise(String base) {
		HttpClient http = HttpClient.newHttpClient();
		String patient = "{\"resourceType\":\"Patient\",\"id\":\"training\"}";
		String json = "application/fhir+json";
		HttpRequest[] requests = {
			HttpRequest.newBuilder(URI.create(base + "/metadata")).build(),
			HttpRequest.newBuilder(URI.create(base + "/Patient/training")).header("Content-Type", json)
				.PUT(HttpRequest.BodyPublishers.ofString(patient)).build(),
			HttpRequest.newBuilder(URI.create(base + "/Patient/training")).header("Content-Type", json)
				.header("If-Match", "W/\"1\"").PUT(HttpRequest.BodyPublishers.ofString(patient)).build(),
			HttpRequest.newBuilder(URI.create(base + "/Patient/training/_history/1")).build(),
			HttpRequest.newBuilder(URI.create(base + "/Patient/training/_history")).build(),
			HttpRequest.newBuilder(URI.create(base + "/Observation?patient=training")).build(),
		};
		for (HttpRequest r : requests) {
			try {
				HttpResponse<String> res = http.send(r, HttpResponse.BodyHandlers.ofString());
				LOG.info("training: {} {} -> {}", r.method(), r.uri().getPath(), res.statusCode());
				if (res.statusCode() >= 400) {
					return 1;
				}
			} catch (Exception e) {
				LOG.error("training: {} {} failed: {}", r.method(), r.uri(), e.toString());
				return 1;
			}
		}
		return 0;
	}
}
