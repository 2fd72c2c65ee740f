// The files of verifier/site/static, built into the binary by the
// embed_static genrule (embed_static.py), so the site serves them from any
// working directory.

#ifndef CANDOR_VERIFIER_SITE_EMBEDDED_STATIC_H_
#define CANDOR_VERIFIER_SITE_EMBEDDED_STATIC_H_

#include <cstddef>

namespace candor::site {

struct EmbeddedFile {
  const char* name;  // the file's name, e.g. "site.css"
  const char* data;
  size_t size;
};

// The files, and how many; static storage.
const EmbeddedFile* EmbeddedStaticFiles(size_t* count);

}  // namespace candor::site

#endif  // CANDOR_VERIFIER_SITE_EMBEDDED_STATIC_H_
