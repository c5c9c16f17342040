/* Evident search: loads the index under search/ on the first query, and then only the
   shards a query needs. No dependencies. The ranking repeats src/search/query.rs and the
   term rules src/search/text.rs: change them together (tests/readers.rs compares them).
   In Node (the tests) it exports the engine and touches no document. */
(function () {
  "use strict";

  var FOLD_FROM = "àáâãäåçèéêëìíîïðñòóôõöøùúûüýÿāăąćĉċčďđēĕėęěĝğġģĥħĩīĭįıĵķĸĺļľŀłńņňŋōŏőŕŗřśŝşšţťŧũūŭůűųŵŷźżžſ";
  var FOLD_TO = "aaaaaaceeeeiiiidnoooooouuuuyyaaaccccddeeeeegggghhiiiiijkklllllnnnnooorrrsssstttuuuuuuwyzzzs";
  var FOLD_MORE = { "ß": "ss", "æ": "ae", "œ": "oe", "þ": "th", "ĳ": "ij" };
  var STOPWORDS = ["a", "an", "and", "are", "as", "at", "be", "by", "can", "do", "does", "for", "from", "how", "i",
    "if", "in", "into", "is", "it", "its", "of", "on", "or", "should", "that", "the", "their", "this", "to", "was",
    "what", "when", "which", "who", "why", "will", "with"];
  var MAX_TERM_CHARS = 40;
  var MAX_CANDIDATES = 12;
  var MAX_QUERY_TERMS = 8;
  var FORMAT = 1;
  var EXACT = 1.0, PREFIX = 0.7, ONE_TYPO = 0.6, TWO_TYPOS = 0.4;
  var WORD = /[\p{Alphabetic}\p{N}]+/gu;
  var FOLD_MAP = (function () {
    var map = {};
    var from = Array.from(FOLD_FROM);
    for (var i = 0; i < from.length; i++) {
      map[from[i]] = FOLD_TO.charAt(i);
    }
    Object.keys(FOLD_MORE).forEach(function (key) {
      map[key] = FOLD_MORE[key];
    });
    return map;
  })();

  function fold(text) {
    var out = "";
    var chars = Array.from(text.toLowerCase());
    for (var i = 0; i < chars.length; i++) {
      var c = chars[i];
      var code = c.codePointAt(0);
      if (code >= 0x300 && code <= 0x36f) {
        continue;
      }
      out += Object.prototype.hasOwnProperty.call(FOLD_MAP, c) ? FOLD_MAP[c] : c;
    }
    return out;
  }

  function terms(text) {
    var found = fold(text).match(WORD) || [];
    return found.filter(function (term) {
      var length = Array.from(term).length;
      if (length > MAX_TERM_CHARS) {
        return false;
      }
      if (length === 1 && !/^\p{N}$/u.test(term)) {
        return false;
      }
      return STOPWORDS.indexOf(term) === -1;
    });
  }

  function shardKey(term) {
    var c = term.charAt(0);
    return /^[a-z0-9]$/.test(c) ? c : "_";
  }

  function allowedTypos(term) {
    var length = Array.from(term).length;
    return length <= 4 ? 0 : length <= 7 ? 1 : 2;
  }

  /* Optimal-string-alignment distance, or -1 once it must exceed max. */
  function typoDistance(a, b, max) {
    a = Array.from(a);
    b = Array.from(b);
    if (Math.abs(a.length - b.length) > max) {
      return -1;
    }
    var before = new Array(b.length + 1).fill(0);
    var prev = [];
    var cur = new Array(b.length + 1).fill(0);
    for (var j = 0; j <= b.length; j++) {
      prev.push(j);
    }
    for (var i = 1; i <= a.length; i++) {
      cur[0] = i;
      var rowMin = i;
      for (j = 1; j <= b.length; j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        var d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
          d = Math.min(d, before[j - 2] + 1);
        }
        cur[j] = d;
        rowMin = Math.min(rowMin, d);
      }
      if (rowMin > max) {
        return -1;
      }
      var spare = before;
      before = prev;
      prev = cur;
      cur = spare;
    }
    return prev[b.length] <= max ? prev[b.length] : -1;
  }

  function rarity(totalDocs, df) {
    if (totalDocs <= 1 || df <= 0) {
      return 1;
    }
    return 0.5 + 0.5 * Math.log(1 + totalDocs / df) / Math.log(1 + totalDocs);
  }

  var ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

  function decodePostings(value) {
    var docs = [];
    if (Array.isArray(value)) {
      var doc = 0;
      for (var i = 0; i < value.length; i++) {
        doc += value[i];
        docs.push(doc);
      }
    } else if (typeof value === "string") {
      var acc = 0, bits = 0, byteIndex = 0;
      for (var k = 0; k < value.length; k++) {
        acc = (acc << 6) | ALPHABET.indexOf(value.charAt(k));
        bits += 6;
        if (bits >= 8) {
          bits -= 8;
          var byte = (acc >> bits) & 255;
          acc &= (1 << bits) - 1;
          for (var bit = 0; bit < 8; bit++) {
            if (byte & (1 << bit)) {
              docs.push(byteIndex * 8 + bit);
            }
          }
          byteIndex++;
        }
      }
    }
    return docs;
  }

  /* The engine over files read by load(path) -> Promise of parsed JSON or null; paths are
     relative to the folder holding search/. */
  function createSearcher(load) {
    var manifest = null;
    var cache = {};
    var loaded = [];

    function file(rel) {
      if (!Object.prototype.hasOwnProperty.call(cache, rel)) {
        cache[rel] = Promise.resolve(load("search/" + rel, manifest && manifest.build)).then(function (value) {
          loaded.push("search/" + rel);
          return value;
        });
      }
      return cache[rel];
    }

    function open() {
      if (manifest) {
        return Promise.resolve(manifest);
      }
      return file("index.json").then(function (value) {
        if (!value || value.format !== FORMAT) {
          delete cache["index.json"];
          throw new Error("the search index is missing or of another version");
        }
        manifest = value;
        return manifest;
      });
    }

    function vocabulary(key) {
      if (manifest.vocab.indexOf(key) === -1) {
        return Promise.resolve([]);
      }
      return file("vocab/" + key + ".json").then(function (shard) {
        var list = [];
        if (shard && Array.isArray(shard.terms)) {
          for (var i = 0; i < shard.terms.length; i++) {
            list.push([shard.terms[i], (shard.df && shard.df[i]) || 0]);
          }
        }
        return list;
      });
    }

    function candidates(word) {
      var typos = allowedTypos(word);
      var first = shardKey(word);
      return vocabulary(first).then(function (words) {
        var exact = words.some(function (w) { return w[0] === word; });
        var secondChar = Array.from(word)[1];
        var second = secondChar === undefined ? first : shardKey(secondChar);
        if (!exact && typos > 0 && second !== first) {
          return vocabulary(second).then(function (more) {
            return [words.concat(more), exact];
          });
        }
        return [words, exact];
      }).then(function (result) {
        var words = result[0], exact = result[1];
        var longEnough = Array.from(word).length >= 3;
        var found = [];
        for (var i = 0; i < words.length; i++) {
          var term = words[i][0];
          var quality;
          if (term === word) {
            quality = EXACT;
          } else if (longEnough && term.indexOf(word) === 0) {
            quality = PREFIX;
          } else if (!exact && typos > 0) {
            var d = typoDistance(word, term, typos);
            if (d === 1) {
              quality = ONE_TYPO;
            } else if (d === 2) {
              quality = TWO_TYPOS;
            } else {
              continue;
            }
          } else {
            continue;
          }
          found.push([term, quality, words[i][1]]);
        }
        found.sort(function (x, y) {
          return y[1] - x[1] || y[2] - x[2] || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0);
        });
        return found.slice(0, MAX_CANDIDATES);
      });
    }

    function postings(term) {
      var firsts = manifest.postings;
      var lo = 0, hi = firsts.length;
      while (lo < hi) {
        var mid = (lo + hi) >> 1;
        if (firsts[mid] <= term) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      if (lo === 0) {
        return Promise.resolve(null);
      }
      return file("postings/" + (lo - 1) + ".json").then(function (shard) {
        var entry = shard && Object.prototype.hasOwnProperty.call(shard, term) ? shard[term] : null;
        return Array.isArray(entry) ? entry.map(decodePostings) : null;
      });
    }

    /* Ranks every matching document: {ranked: [{doc, score, matched}], corrections}. */
    function rank(query) {
      return open().then(function () {
        var words = [];
        terms(query).forEach(function (term) {
          if (words.indexOf(term) === -1 && words.length < MAX_QUERY_TERMS) {
            words.push(term);
          }
        });
        return Promise.all(words.map(function (word) {
          return candidates(word).then(function (found) {
            return Promise.all(found.map(function (c) { return postings(c[0]); })).then(function (lists) {
              return { word: word, found: found, lists: lists };
            });
          });
        }));
      }).then(function (perWord) {
        var total = manifest.docs;
        var scores = new Map();
        var corrections = [];
        perWord.forEach(function (w) {
          if (w.found.length && w.found[0][1] < PREFIX) {
            corrections.push({ typed: w.word, readAs: w.found[0][0] });
          }
          var best = new Map();
          w.found.forEach(function (candidate, i) {
            var groups = w.lists[i];
            if (!groups) {
              return;
            }
            var df = groups.reduce(function (n, g) { return n + g.length; }, 0);
            var weight = rarity(total, df);
            groups.forEach(function (docs, group) {
              var points = (manifest.weights[group] || 0) * candidate[1] * weight;
              for (var k = 0; k < docs.length; k++) {
                if (!(best.get(docs[k]) >= points)) {
                  best.set(docs[k], points);
                }
              }
            });
          });
          best.forEach(function (points, doc) {
            var entry = scores.get(doc) || [0, 0];
            entry[0] += points;
            entry[1] += 1;
            scores.set(doc, entry);
          });
        });
        var n = Math.max(perWord.length, 1);
        var ranked = [];
        scores.forEach(function (entry, doc) {
          var share = entry[1] / n;
          ranked.push({ doc: doc, score: entry[0] * share * share, matched: entry[1] });
        });
        ranked.sort(function (x, y) {
          return y.score - x.score || y.matched - x.matched || x.doc - y.doc;
        });
        return { ranked: ranked, corrections: corrections };
      });
    }

    /* The rows of the given documents: {doc, slug, question, status, url, topic}. */
    function rows(docs) {
      var per = manifest.docs_per_shard;
      return Promise.all(docs.map(function (doc) {
        return file("docs/" + Math.floor(doc / per) + ".json").then(function (shard) {
          var row = (shard && shard[doc % per]) || [];
          var topic = manifest.topics[row[3]] || null;
          return {
            doc: doc,
            slug: row[0] || "",
            question: row[1] || "",
            status: row[2] || "",
            statusLabel: manifest.status[row[2]] || "",
            url: manifest.url + (row[0] || "") + "/",
            topic: topic
          };
        });
      }));
    }

    /* Ranking and the first `limit` rows, as the reference implementation returns them. */
    function search(query, limit) {
      return rank(query).then(function (result) {
        var top = result.ranked.slice(0, limit);
        return rows(top.map(function (r) { return r.doc; })).then(function (list) {
          list.forEach(function (row, i) {
            row.score = top[i].score;
            row.matched = top[i].matched;
          });
          return { hits: list, total: result.ranked.length, corrections: result.corrections, loaded: loaded.slice() };
        });
      });
    }

    return { open: open, rank: rank, rows: rows, search: search, loaded: loaded };
  }

  var engine = {
    fold: fold,
    terms: terms,
    typoDistance: typoDistance,
    decodePostings: decodePostings,
    createSearcher: createSearcher
  };

  if (typeof module === "object" && module.exports) {
    module.exports = engine;
    return;
  }

  /* ---------- The search page ---------- */
  var PAGE = 10;

  function init() {
    var form = document.querySelector("form[data-search-index]");
    if (!form) {
      return;
    }
    var input = form.querySelector("input[name=q]");
    var status = document.getElementById("search-status");
    var results = document.getElementById("search-results");
    var base = form.getAttribute("data-search-index") || "/";
    var searcher = createSearcher(function (path, build) {
      // The manifest is revalidated on every page load; shards carry the build they
      // belong to, so a cached shard of an older build is never mixed in.
      var url = base + path + (build ? "?v=" + encodeURIComponent(build) : "");
      return fetch(url, build ? {} : { cache: "no-cache" }).then(function (response) {
        return response.ok ? response.json() : null;
      });
    });
    var latest = 0;
    var timer = null;

    function say(text) {
      status.textContent = text;
    }

    function badge(row) {
      var span = document.createElement("span");
      var classes = "status status--" + (row.status === "changed" ? "under_review status--stale" : row.status);
      if (row.status === "approved") {
        classes += " status--reviewed";
      }
      span.className = classes;
      var hidden = document.createElement("span");
      hidden.className = "visually-hidden";
      hidden.textContent = "Review status: ";
      span.appendChild(hidden);
      span.appendChild(document.createTextNode(row.statusLabel));
      return span;
    }

    function item(row) {
      var li = document.createElement("li");
      li.className = "qitem";
      var link = document.createElement("a");
      link.className = "qitem__question";
      link.href = row.url;
      link.textContent = row.question;
      li.appendChild(link);
      var meta = document.createElement("p");
      meta.className = "qitem__meta";
      meta.appendChild(badge(row));
      if (row.topic) {
        var topic = document.createElement("span");
        topic.className = "qitem__topic";
        var label = document.createElement("span");
        label.className = "visually-hidden";
        label.textContent = "Topic: ";
        var topicLink = document.createElement("a");
        topicLink.href = row.topic.url;
        topicLink.textContent = row.topic.title;
        topic.appendChild(label);
        topic.appendChild(topicLink);
        meta.appendChild(topic);
      }
      li.appendChild(meta);
      return li;
    }

    function show(query, result, ticket) {
      results.textContent = "";
      if (!result.ranked.length) {
        say("No questions match \u201c" + query + "\u201d. Try other words, or browse the topics below.");
        return;
      }
      var note = result.corrections.length
        ? " (read " + result.corrections.map(function (c) { return c.typed + " as " + c.readAs; }).join(", ") + ")"
        : "";
      var count = result.ranked.length;
      say(count + (count === 1 ? " question matches" : " questions match") + " \u201c" + query + "\u201d" + note + ".");
      var list = document.createElement("ol");
      list.className = "qlist search-results__list";
      results.appendChild(list);
      var more = document.createElement("button");
      more.type = "button";
      more.className = "search-more";
      var shown = 0;

      function next() {
        var slice = result.ranked.slice(shown, shown + PAGE).map(function (r) { return r.doc; });
        more.disabled = true;
        return searcher.rows(slice).then(function (rows) {
          if (ticket !== latest) {
            return;
          }
          rows.forEach(function (row) { list.appendChild(item(row)); });
          var first = list.children[shown];
          shown += rows.length;
          more.disabled = false;
          if (shown >= count) {
            more.remove();
          } else {
            more.textContent = "Show more results (" + (count - shown) + " more)";
          }
          return first;
        });
      }

      more.addEventListener("click", function () {
        next().then(function (first) {
          // Keep keyboard users where the new results begin.
          var link = first && first.querySelector("a");
          if (link) {
            link.focus();
          }
        });
      });
      results.appendChild(more);
      next();
    }

    function run(query) {
      var ticket = ++latest;
      query = query.trim();
      if (window.history && window.history.replaceState) {
        var url = query ? "?q=" + encodeURIComponent(query) : window.location.pathname;
        window.history.replaceState(null, "", url);
      }
      if (!query) {
        results.textContent = "";
        say("");
        return;
      }
      if (!terms(query).length) {
        results.textContent = "";
        say("Type a more specific word: \u201c" + query + "\u201d is too common to search for.");
        return;
      }
      say("Searching\u2026");
      searcher.rank(query).then(function (result) {
        if (ticket === latest) {
          show(query, result, ticket);
        }
      }, function () {
        if (ticket === latest) {
          say("Search is unavailable: its index could not be loaded. Browse the topics below.");
        }
      });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      window.clearTimeout(timer);
      run(input.value);
    });
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { run(input.value); }, 200);
    });

    var params = new URLSearchParams(window.location.search);
    var initial = params.get("q");
    if (initial) {
      input.value = initial;
      run(initial);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
