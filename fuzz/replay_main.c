/* SPDX-License-Identifier: MIT */
/*
 * Standalone driver for the fuzz targets when there is no libFuzzer (gcc,
 * or any compiler): runs every file named on the command line, and every
 * file in every directory named, through LLVMFuzzerTestOneInput() once. A
 * directory entry that is not a regular file, or is hidden, is an error
 * (it would otherwise go unreplayed without a word). A failed invariant
 * aborts, so a non-zero exit (or a sanitizer report) is a failing test.
 * This is what ctest runs to replay the corpora.
 *
 *   ring_back_replay fuzz/corpus/ring_back [more files or dirs]
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned long replayed;

static int run_file(const char *path)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *buf;
	long len;

	if (!fp) {
		perror(path);
		return -1;
	}
	if (fseek(fp, 0, SEEK_END) != 0 || (len = ftell(fp)) < 0 ||
	    fseek(fp, 0, SEEK_SET) != 0) {
		perror(path);
		fclose(fp);
		return -1;
	}
	/* Exactly len bytes, so ASan sees reads past the input too. */
	buf = (uint8_t *)malloc(len ? (size_t)len : 1u);
	if (!buf || fread(buf, 1, (size_t)len, fp) != (size_t)len) {
		fprintf(stderr, "%s: read failed\n", path);
		free(buf);
		fclose(fp);
		return -1;
	}
	fclose(fp);
	LLVMFuzzerTestOneInput(buf, (size_t)len);
	free(buf);
	replayed++;
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs a directory's regular files in name order (reproducible logs). */
static int run_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0, i;
	int rc = 0;

	if (!d) {
		perror(dir);
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		/* A hidden file is no corpus input: fail, don't skip it. */
		if (e->d_name[0] == '.') {
			fprintf(stderr, "%s/%s: hidden file in a corpus\n", dir,
				e->d_name);
			rc = -1;
			continue;
		}
		if (n == cap) {
			char **nn;

			cap = cap ? 2 * cap : 64;
			nn = (char **)realloc(names, cap * sizeof(*names));
			if (!nn) {
				rc = -1;
				break;
			}
			names = nn;
		}
		names[n] = (char *)malloc(strlen(dir) + strlen(e->d_name) + 2);
		if (!names[n]) {
			rc = -1;
			break;
		}
		sprintf(names[n], "%s/%s", dir, e->d_name);
		n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_names);
	for (i = 0; i < n; i++) {
		struct stat st;

		if (rc != 0) {
			/* stop at the first failure */
		} else if (stat(names[i], &st) != 0) {
			perror(names[i]);
			rc = -1;
		} else if (!S_ISREG(st.st_mode)) {
			/* Nothing else belongs in a corpus: say so. */
			fprintf(stderr, "%s: not a regular file\n", names[i]);
			rc = -1;
		} else {
			rc = run_file(names[i]);
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

int main(int argc, char **argv)
{
	int i;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
	}
	for (i = 1; i < argc; i++) {
		struct stat st;

		if (stat(argv[i], &st) != 0) {
			perror(argv[i]);
			return 1;
		}
		if ((S_ISDIR(st.st_mode) ? run_dir(argv[i])
					 : run_file(argv[i])) != 0)
			return 1;
	}
	printf("%s: replayed %lu input(s), all invariants held\n", argv[0],
	       replayed);
	/* An empty corpus replays nothing: say so as a failure. */
	return replayed ? 0 : 1;
}
