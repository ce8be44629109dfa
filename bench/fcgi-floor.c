/* The floor of this architecture for `make bench`: the smallest multithreaded libfcgi responder, answering the
 * health JSON with the same headers as menu-api. Whatever menu-api adds costs the difference to this.
 * It reads every byte of a request body (FCGI_STDIN) before answering, so for the upload benchmark it is the floor of
 * nginx receiving a POST, passing it over FastCGI and answering: what is left for menu-api is its own work.
 * usage: fcgi-floor SOCKET_PATH THREADS */
#include <fcgiapp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int listen_fd;
static const char body[] =
    "{\"status\":\"ok\",\"service\":\"Menu Knowledge Engine\",\"version\":\"0.1.0\",\"environment\":\"development\"}";

static void *serve(void *unused) {
    (void)unused;
    FCGX_Request request;
    if (FCGX_InitRequest(&request, listen_fd, 0) != 0) return NULL;
    char head[256];
    char sink[65536];
    while (FCGX_Accept_r(&request) == 0) {
        /* The body to its end, then dropped: menu-api reads it all too before it can answer. */
        while (FCGX_GetStr(sink, (int)sizeof sink, request.in) > 0) continue;
        const char *id = FCGX_GetParam("REQUEST_ID", request.envp);
        int n = snprintf(head, sizeof head,
                         "Status: 200 OK\r\nContent-Type: application/json; charset=utf-8\r\nX-Request-Id: %s\r\n"
                         "Content-Length: %zu\r\n\r\n",
                         id ? id : "-", sizeof body - 1);
        FCGX_PutStr(head, n, request.out);
        FCGX_PutStr(body, (int)sizeof body - 1, request.out);
        FCGX_Finish_r(&request);
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s SOCKET_PATH THREADS\n", argv[0]);
        return 2;
    }
    int threads = atoi(argv[2]);
    if (threads < 1) threads = 1;
    FCGX_Init();
    unlink(argv[1]);
    listen_fd = FCGX_OpenSocket(argv[1], 128);
    if (listen_fd < 0) {
        perror("FCGX_OpenSocket");
        return 1;
    }
    chmod(argv[1], 0666);
    pthread_t *ids = calloc((size_t)threads, sizeof *ids);
    for (int i = 0; i < threads; i++) pthread_create(&ids[i], NULL, serve, NULL);
    for (int i = 0; i < threads; i++) pthread_join(ids[i], NULL);
    return 0;
}
