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
  var FORMAT = 4;
  var EXACT = 1.0, STEM = 0.9, PREFIX = 0.7, ONE_TYPO = 0.6, TWO_TYPOS = 0.4;
  var SYNONYM = 0.8, TYPE = 1.0, FLOOR = 0.1;
  var STEM_SUFFIX_CHARS = 4, STEM_MIN_CHARS = 4;
  var TYPE_PREFIX = "~";
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
    // Plain ASCII has nothing to fold but case: the common case, and a result's excerpt
    // folds each of its words.
    if (/^[\x00-\x7f]*$/.test(text)) {
      return text.toLowerCase();
    }
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

  function keep(term) {
    var length = Array.from(term).length;
    if (length === 0 || length > MAX_TERM_CHARS) {
      return false;
    }
    if (length === 1 && !/^\p{N}$/u.test(term)) {
      return false;
    }
    return STOPWORDS.indexOf(term) === -1;
  }

  function terms(text) {
    return (fold(text).match(WORD) || []).filter(keep);
  }

  /* Every word of a folded text, stopwords kept: cue phrases are made of them. */
  function rawWords(folded) {
    return (folded.match(WORD) || []).filter(function (w) {
      return Array.from(w).length <= MAX_TERM_CHARS;
    });
  }

  /* Plural endings off, exactly as text::singular. */
  function singular(word) {
    var length = Array.from(word).length;
    if (length <= 3) {
      return word;
    }
    if (length > 4 && word.slice(-3) === "ies") {
      return word.slice(0, -3) + "y";
    }
    if (/(ss|us|is)$/.test(word)) {
      return word;
    }
    return word.slice(-1) === "s" ? word.slice(0, -1) : word;
  }

  function shardKey(term) {
    var c = term.charAt(0);
    return /^[a-z0-9]$/.test(c) ? c : "_";
  }

  /* The sub-shard of a term in a split vocabulary shard, as vocab::second_key. */
  function secondKey(term) {
    var c = Array.from(term)[1];
    return c !== undefined && /^[a-z0-9]$/.test(c) ? c : "_";
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
  /* Each ASCII character's six bits in ALPHABET, -1 where it has none (as indexOf says). */
  var SEXTET = (function () {
    var table = new Int8Array(128).fill(-1);
    for (var i = 0; i < ALPHABET.length; i++) {
      table[ALPHABET.charCodeAt(i)] = i;
    }
    return table;
  })();

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
        var code = value.charCodeAt(k);
        acc = (acc << 6) | (code < 128 ? SEXTET[code] : -1);
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

  function has(object, key) {
    return object !== null && typeof object === "object" && Object.prototype.hasOwnProperty.call(object, key);
  }

  /* The best results of a query from part of its postings, as src/search/topk.rs: a
     term's documents are read a field group (a level) at a time, the question first; after
     each level every document seen gets its score so far and the most it could still
     reach, and reading stops once the results shown are certain. A level where a list is
     a bitmap is read first for the site's first sixteenth of documents, and for the rest
     only if that did not settle the results: a common word's heading list is a third of
     the site, and the best ten holding every word of a query are usually in that first
     part (ties go by site order). */
  var MAX_LEVELS = 8;

  function Plan(docs, weights) {
    this.terms = [];
    this.slots = [];
    this.docs = docs;
    this.weights = weights;
    this.readThrough = -1;
    // The level after readThrough while it is read for the documents below a bound only:
    // {level, upto} (`beginPartial`).
    this.partial = null;
    // Posting entries read into documents' classes: what a partial pass saves.
    this.recorded = 0;
    // Documents found at the same level of every term score alike: each document's class
    // (0: found in none yet), per class the level + 1 of each term it was found at, and
    // how many documents it has. Deciding then costs one evaluation per class, not per
    // document: a common word's level brings a hundred thousand documents but a handful
    // of classes.
    this.classOf = new Int32Array(docs);
    this.classLevels = [[]];
    this.classCount = [docs];
    // During a partial pass, whether a class's documents are below its bound (all of them
    // are, or none).
    this.classInPrefix = [false];
    // Set by `evaluate` for `best`: the class evaluated is below a partial pass's bound.
    this.inPrefix = false;
    // Scratch space of `slot`, reused for every document.
    this.scratch = { points: 0, term: -1, most: 0, open: false };
    this.slotOut = {};
    this.wayWords = [];
    this.wayPoints = [];
    this.wayOpen = [];
  }

  /* The index of `term`, added on first use; df null for a question-type tag. */
  Plan.prototype.term = function (term, df, groups) {
    for (var i = 0; i < this.terms.length; i++) {
      if (this.terms[i].term === term) {
        return i;
      }
    }
    this.terms.push({ term: term, df: df, groups: groups, rarity: rarity(this.docs, df === null ? 0 : df), next: -1 });
    return this.terms.length - 1;
  };

  Plan.prototype.levels = function () {
    return Math.min(this.weights.length, MAX_LEVELS);
  };

  Plan.prototype.nextLevel = function () {
    for (var level = this.readThrough + 1; level < this.levels(); level++) {
      for (var t = 0; t < this.terms.length; t++) {
        if (this.terms[t].groups & (1 << level)) {
          return level;
        }
      }
    }
    return -1;
  };

  Plan.prototype.termsAt = function (level) {
    var out = [];
    for (var t = 0; t < this.terms.length; t++) {
      if (this.terms[t].groups & (1 << level)) {
        out.push(t);
      }
    }
    return out;
  };

  /* The bound of a first, partial pass over `level`, as Plan::prefix_for: the first
     sixteenth of the site in whole bitmap bytes; 0 for none (a small site, or a term
     whose document count only its whole list tells). */
  Plan.prototype.prefixFor = function (level) {
    var upto = Math.ceil(Math.floor(this.docs / 16) / 8) * 8;
    var terms = this.termsAt(level);
    for (var i = 0; i < terms.length; i++) {
      if (this.terms[terms[i]].df === null) {
        return 0;
      }
    }
    return upto > 0 && upto < this.docs ? upto : 0;
  };

  /* `level` is about to be read for the documents below `upto` only: they move to classes
     of their own, which know that level read, while the others still may gain it. */
  Plan.prototype.beginPartial = function (level, upto) {
    this.partial = { level: level, upto: upto };
    // What the documents past the bound may still gain, from `level` on, and those below
    // it, from the next.
    for (var t = 0; t < this.terms.length; t++) {
      var term = this.terms[t];
      term.next = -1;
      term.nextPrefix = -1;
      for (var g = this.levels() - 1; g >= level; g--) {
        if (term.groups & (1 << g)) {
          term.nextPrefix = g > level ? g : term.nextPrefix;
          term.next = g;
        }
      }
    }
    var classOf = this.classOf, classLevels = this.classLevels, classCount = this.classCount;
    var inPrefix = this.classInPrefix;
    var before = classLevels.length;
    for (var c = 0; c < before; c++) {
      inPrefix[c] = false;
    }
    var moved = new Int32Array(before);
    for (var d = 0; d < upto; d++) {
      var from = classOf[d];
      if (moved[from] === 0) {
        classLevels.push(classLevels[from].slice());
        classCount.push(0);
        inPrefix.push(true);
        moved[from] = classLevels.length - 1;
      }
      classOf[d] = moved[from];
      classCount[from]--;
      classCount[moved[from]]++;
    }
  };

  /* Records term t's documents at `level`, from their encoded list (null: none); decoded
     straight into the documents' classes, as a common word's list holds most of the site:
     each document found moves to the class of its old class plus this finding. The loops
     are kept small and free of calls: they run a hundred thousand times a list, on a page
     whose script has not been optimised yet. Only the documents from `lo` up to `hi`
     (multiples of 8) are read, all of them without. A bitmap may come as its bytes. */
  Plan.prototype.read = function (t, level, encoded, lo, hi) {
    var bitmap = typeof encoded === "string" || encoded instanceof Uint8Array;
    lo = lo || 0;
    var whole = lo === 0 && hi === undefined;
    // Small integers throughout: a bound of Infinity would make the loops below run on
    // floating point numbers.
    var toEnd = hi === undefined;
    hi = toEnd ? 0x7fffffff : hi;
    var term = this.terms[t];
    var docs = this.docs, classOf = this.classOf, classLevels = this.classLevels;
    var before = classLevels.length;
    // The class each class of before this list moves to (0: none yet; no class moves to
    // class 0, that of documents found in nothing), and how many of its documents do.
    var moved = new Int32Array(before), leaving = new Int32Array(before);
    var classCount = this.classCount, inPrefix = this.classInPrefix;
    var recorded = 0;
    function open(from) {
      var levels = classLevels[from].slice();
      levels[t] = level + 1;
      classLevels.push(levels);
      classCount.push(0);
      inPrefix.push(inPrefix[from]);
      moved[from] = classLevels.length - 1;
      return moved[from];
    }
    var count = 0, doc, from, to;
    if (Array.isArray(encoded)) {
      doc = 0;
      for (var i = 0; i < encoded.length; i++) {
        doc += encoded[i];
        count++;
        if (doc < lo || doc >= hi) {
          continue;
        }
        recorded += doc < docs ? 1 : 0;
        // A document the index does not have, or named twice in one list (in its new
        // class already), stays where it is.
        from = doc < docs ? classOf[doc] : before;
        if (from < before) {
          to = moved[from];
          classOf[doc] = to > 0 ? to : open(from);
          leaving[from]++;
        }
      }
    } else if (bitmap) {
      var bytes = typeof encoded === "string" ? unbase64(encoded) : encoded;
      // A bitmap names each document once; bits past the last document are left alone.
      var wholeBytes = Math.min(bytes.length, docs >> 3);
      for (var b = lo >> 3, end = toEnd ? wholeBytes : Math.min(wholeBytes, hi >> 3); b < end; b++) {
        var byte = bytes[b];
        if (byte === 0) {
          continue;
        }
        doc = b << 3;
        // Only the set bits are visited, from a table of their places: a common word's
        // heading bitmap is a third ones, and on a page whose script is not optimised yet
        // every turn of this loop counts (it is most of a query's script time).
        var last = BIT_FROM[byte + 1];
        for (var k = BIT_FROM[byte]; k < last; k++) {
          var d = doc + BIT_AT[k];
          from = classOf[d];
          to = moved[from];
          classOf[d] = to > 0 ? to : open(from);
          leaving[from]++;
        }
      }
      // The last few documents, and bits past them (counted, as the list's other readers
      // count them, but naming no document).
      for (doc = wholeBytes << 3; toEnd && doc < bytes.length << 3; doc++) {
        if (bytes[doc >> 3] & (1 << (doc & 7))) {
          if (doc >= docs) {
            count++;
            continue;
          }
          from = classOf[doc];
          to = moved[from];
          classOf[doc] = to > 0 ? to : open(from);
          leaving[from]++;
        }
      }
    }
    for (from = 0; from < before; from++) {
      if (leaving[from] > 0) {
        count += bitmap ? leaving[from] : 0;
        recorded += bitmap ? leaving[from] : 0;
        classCount[from] -= leaving[from];
        classCount[moved[from]] += leaving[from];
      }
    }
    this.recorded += recorded;
    if (term.df === null && whole) {
      term.df = count;
      term.rarity = rarity(this.docs, count);
    }
  };

  /* The places of the set bits of each byte value b: BIT_AT[BIT_FROM[b]] up to (not
     including) BIT_AT[BIT_FROM[b + 1]]. */
  var BIT_FROM = new Uint16Array(257);
  var BIT_AT = new Uint8Array(1024);
  (function () {
    var n = 0;
    for (var b = 0; b < 256; b++) {
      BIT_FROM[b] = n;
      for (var bit = 0; bit < 8; bit++) {
        if (b & (1 << bit)) {
          BIT_AT[n++] = bit;
        }
      }
    }
    BIT_FROM[256] = n;
  })();

  /* The bytes of a base64 string without padding: by the browser's own decoder where the
     string is well formed (many times faster than a loop in a page whose script is not
     optimised yet), else by hand, a character outside the alphabet read as all bits set
     as the list's other readers have it. */
  function unbase64(text) {
    var wellFormed = text.length % 4 !== 1 && !/[^A-Za-z0-9+\/]/.test(text);
    // Straight into bytes where the browser can (Chromium 140 and later, Firefox 133,
    // Safari 18.2): no loop over the bitmap's characters in a cold script.
    if (wellFormed && typeof Uint8Array.fromBase64 === "function") {
      return Uint8Array.fromBase64(text, { lastChunkHandling: "loose" });
    }
    if (wellFormed && typeof atob === "function") {
      var binary = atob(text);
      var out = new Uint8Array(binary.length);
      for (var i = 0; i < binary.length; i++) {
        out[i] = binary.charCodeAt(i);
      }
      return out;
    }
    var bytes = new Uint8Array((text.length * 3) >> 2);
    var acc = 0, bits = 0, at = 0;
    for (var k = 0; k < text.length; k++) {
      var code = text.charCodeAt(k);
      acc = ((acc << 6) | (code < 128 ? SEXTET[code] : -1)) & 0xffffff;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        bytes[at++] = (acc >> bits) & 255;
      }
    }
    return bytes;
  }

  Plan.prototype.finishLevel = function (level) {
    this.readThrough = level;
    this.partial = null;
    for (var t = 0; t < this.terms.length; t++) {
      var term = this.terms[t];
      term.next = -1;
      for (var g = level + 1; g < this.levels(); g++) {
        if (term.groups & (1 << g)) {
          term.next = g;
          break;
        }
      }
    }
  };

  /* The best of `candidates` ([term, quality]) for a document found at `levels` (per
     term, its level + 1, 0 or missing where not found), into `out`: points, term (-1
     none), the most it could reach, whether it is still open. */
  Plan.prototype.best = function (candidates, levels, out) {
    var points = 0, term = -1, unread = 0;
    for (var c = 0; c < candidates.length; c++) {
      var info = this.terms[candidates[c][0]];
      var quality = candidates[c][1];
      var group = levels[candidates[c][0]] || 0;
      var next = this.inPrefix ? info.nextPrefix : info.next;
      var p;
      if (group > 0) {
        p = (this.weights[group - 1] || 0) * quality * info.rarity;
      } else if (next >= 0) {
        unread = Math.max(unread, this.weights[next] * quality * info.rarity);
        continue;
      } else {
        p = 0;
      }
      if (p > points) {
        points = p;
        term = candidates[c][0];
      }
    }
    out.points = points;
    out.term = term;
    out.most = Math.max(points, unread);
    out.open = unread > 0 && unread >= points;
  };

  /* One slot for a document found at `levels` into `out`: matched, points, terms (with
     `withTerms`), the most points and words it could reach, and whether unread levels
     could change its match. Run for every class of documents after each level: it
     allocates nothing but the terms. */
  Plan.prototype.slot = function (slot, levels, withTerms, out) {
    var b = this.scratch;
    // Each way's most (words, points) and whether it is still open.
    var wayWords = this.wayWords, wayPoints = this.wayPoints, wayOpen = this.wayOpen;
    var ways = 0;
    var matched = 0, points = 0, terms = withTerms ? [] : null;
    var mostWords = 0, mostPoints = 0, open = false;
    var i, j;
    for (i = 0; i < slot.words.length; i++) {
      this.best(slot.words[i], levels, b);
      if (b.term >= 0) {
        matched += 1;
        points += b.points;
        if (withTerms) {
          terms.push(this.terms[b.term].term);
        }
      }
      mostWords += b.most > 0 ? 1 : 0;
      mostPoints += b.most;
      open = open || b.open;
    }
    wayWords[ways] = mostWords;
    wayPoints[ways] = mostPoints;
    wayOpen[ways++] = open ? 1 : 0;
    for (i = 0; i < slot.synonyms.length; i++) {
      var phrase = slot.synonyms[i];
      var all = true, sum = 0, phraseTerms = withTerms ? [] : null;
      var possible = true, mostSum = 0, phraseOpen = false;
      for (j = 0; j < phrase.length; j++) {
        this.best(phrase[j], levels, b);
        if (b.term >= 0) {
          sum += b.points;
          if (withTerms) {
            phraseTerms.push(this.terms[b.term].term);
          }
        } else {
          all = false;
        }
        possible = possible && b.most > 0;
        mostSum += b.most;
        phraseOpen = phraseOpen || b.open;
      }
      if (all && phrase.length) {
        var share = sum / phrase.length * SYNONYM * slot.weight;
        if (slot.weight > matched || (slot.weight === matched && share > points)) {
          matched = slot.weight;
          points = share;
          terms = phraseTerms;
        }
      }
      var reach = possible && phrase.length > 0;
      wayWords[ways] = reach ? slot.weight : 0;
      wayPoints[ways] = reach ? mostSum / phrase.length * SYNONYM * slot.weight : 0;
      wayOpen[ways++] = phraseOpen ? 1 : 0;
    }
    for (i = 0; i < slot.types.length; i++) {
      this.best(slot.types[i], levels, b);
      if (b.term >= 0 && (slot.weight > matched || (slot.weight === matched && b.points > points))) {
        matched = slot.weight;
        points = b.points;
        terms = withTerms ? [] : null;
      }
      wayWords[ways] = b.most > 0 ? slot.weight : 0;
      wayPoints[ways] = b.most;
      wayOpen[ways++] = b.open ? 1 : 0;
    }
    out.matched = matched;
    out.points = points;
    out.terms = terms;
    out.mostPoints = points;
    out.mostMatched = matched;
    out.open = false;
    // A way still open matters only if it could match or beat what is found.
    for (i = 0; i < ways; i++) {
      if (wayOpen[i] && !(matched > wayWords[i] || (matched === wayWords[i] && points > wayPoints[i]))) {
        out.open = true;
      }
    }
    if (out.open) {
      var most = 0, reachPoints = 0;
      for (i = 0; i < ways; i++) {
        most = Math.max(most, wayWords[i]);
        reachPoints = Math.max(reachPoints, wayPoints[i]);
      }
      out.mostPoints = reachPoints;
      out.mostMatched = most;
    }
  };

  /* `doc`'s score as far as known and at most (-1: a document not seen yet); `c`, when
     given, is its class (-1 with it: any document of that class). */
  Plan.prototype.evaluate = function (doc, totalWords, withTerms, into, c) {
    var cls = c === undefined ? (doc < 0 ? 0 : this.classOf[doc]) : c;
    var levels = this.classLevels[cls];
    this.inPrefix = this.partial !== null && this.classInPrefix[cls];
    var r = this.slotOut;
    var matched = 0, points = 0, terms = withTerms ? [] : null, mostPoints = 0, mostMatched = 0, open = false;
    for (var s = 0; s < this.slots.length; s++) {
      this.slot(this.slots[s], levels, withTerms, r);
      matched += r.matched;
      points += r.points;
      if (withTerms) {
        terms = terms.concat(r.terms);
      }
      mostPoints += r.mostPoints;
      mostMatched += r.mostMatched;
      open = open || r.open;
    }
    var share = matched / totalWords;
    var mostShare = mostMatched / totalWords;
    var e = into || {};
    e.doc = doc;
    e.matched = matched;
    e.points = points;
    e.terms = terms;
    e.score = points * share * share;
    e.mostScore = mostPoints * mostShare * mostShare;
    e.mostMatched = mostMatched;
    e.open = open;
    return e;
  };

  Plan.prototype.totalWords = function () {
    return Math.max(this.slots.reduce(function (t, s) { return t + s.weight; }, 0), 1);
  };

  /* The results once they are certain, else null (read the next level):
     {hits: [{doc, score, matched, terms}], total, exact}. Decides as Plan::decide, a class
     of documents at a time: the classes kept are ranked by score and words matched, the
     documents of a rank in site order, and one walk through the site finds the documents
     of the ranks shown. A class still open must stay under the floor or below the last
     result shown. */
  Plan.prototype.decide = function (limit) {
    var n = this.totalWords();
    var classes = this.classLevels.length, classOf = this.classOf, classCount = this.classCount;
    var score = new Float64Array(classes), matched = new Int32Array(classes);
    var mostScore = new Float64Array(classes), mostMatched = new Int32Array(classes);
    var open = new Uint8Array(classes);
    var e = {};
    var c, r, i;
    // The classes with documents, each evaluated once.
    var live = [];
    for (c = 0; c < classes; c++) {
      if (classCount[c] <= 0) {
        continue;
      }
      live.push(c);
      this.evaluate(-1, n, false, e, c);
      score[c] = e.score;
      matched[c] = e.matched;
      mostScore[c] = e.mostScore;
      mostMatched[c] = e.mostMatched;
      open[c] = e.open ? 1 : 0;
    }
    // Whether class a ranks above class b: higher score, then more words.
    function above(a, b) {
      return score[a] > score[b] || (score[a] === score[b] && matched[a] > matched[b]);
    }
    var best = -1;
    live.forEach(function (c) {
      if (matched[c] > 0 && (best < 0 || above(c, best))) {
        best = c;
      }
    });
    if (best < 0) {
      for (i = 0; i < live.length; i++) {
        if (open[live[i]] && mostMatched[live[i]] > 0) {
          return null;
        }
      }
      return { hits: [], total: 0, exact: true };
    }
    var floor = score[best] * FLOOR, most = matched[best];
    var kept = live.filter(function (c) {
      return matched[c] > 0 && (score[c] >= floor || matched[c] >= most);
    });
    kept.sort(function (a, b) { return above(a, b) ? -1 : above(b, a) ? 1 : 0; });
    // Ranks: the kept classes of equal score and words, whose documents go in site order.
    var rankOf = new Int32Array(classes).fill(-1);
    var rankSize = [], count = 0, below = 0;
    for (i = 0; i < kept.length; i++) {
      c = kept[i];
      if (i === 0 || above(kept[i - 1], c)) {
        rankSize.push(0);
      }
      rankOf[c] = rankSize.length - 1;
      rankSize[rankSize.length - 1] += classCount[c];
      count += classCount[c];
      below += this.partial !== null && this.classInPrefix[c] ? classCount[c] : 0;
    }
    // How many documents of each rank are shown (the first at least, to know the best
    // document's class), and those documents, found in one walk through the site.
    var want = [], left = 0;
    for (r = 0; r < rankSize.length; r++) {
      var take = Math.min(rankSize[r], Math.max(limit - left, r === 0 ? 1 : 0));
      want.push(take);
      left += take;
    }
    var found = want.map(function () { return []; });
    for (var doc = 0; doc < this.docs && left > 0; doc++) {
      r = rankOf[classOf[doc]];
      if (r >= 0 && found[r].length < want[r]) {
        found[r].push(doc);
        left--;
      }
    }
    if (open[classOf[found[0][0]]]) {
      return null;
    }
    var hits = [];
    for (r = 0; r < found.length; r++) {
      for (i = 0; i < found[r].length && hits.length < limit; i++) {
        hits.push(found[r][i]);
      }
    }
    for (i = 0; i < hits.length; i++) {
      if (open[classOf[hits[i]]]) {
        return null;
      }
    }
    var lastDoc = hits.length ? hits[hits.length - 1] : -1;
    var last = hits.length === limit ? (hits.length ? score[classOf[lastDoc]] : Infinity) : null;
    var lastMatched = hits.length ? matched[classOf[lastDoc]] : 0;
    // Classes of documents past a partial pass's bound come after the last result in site
    // order when it is below the bound: tying it puts them after it.
    var afterLast = this.partial !== null && lastDoc >= 0 && lastDoc < this.partial.upto;
    var exact = true;
    for (i = 0; i < live.length; i++) {
      c = live[i];
      if (!open[c] || (mostScore[c] < floor && mostMatched[c] < most)) {
        continue;
      }
      // Open, and it might yet be kept: it must stay below the last result shown, or tie
      // it from after it.
      var ties = afterLast && !this.classInPrefix[c] && mostScore[c] === last && mostMatched[c] <= lastMatched;
      if (last === null || (mostScore[c] >= last && !ties)) {
        return null;
      }
      exact = false;
    }
    var self = this;
    var projected = this.partial !== null ? Math.round(below * this.docs / this.partial.upto) : 0;
    return {
      hits: hits.map(function (h) { return self.evaluate(h, n, true); }),
      // After a partial pass, the share of the site read stands for the rest of it.
      total: exact ? count : about(Math.max(count, projected, this.estimate())),
      exact: exact
    };
  };

  /* The articles expected to match every slot, were the slots' words independent. */
  Plan.prototype.estimate = function () {
    var self = this;
    var expected = this.docs;
    this.slots.forEach(function (slot) {
      var most = 0;
      var ways = slot.words.concat.apply(slot.words, slot.synonyms).concat(slot.types);
      ways.forEach(function (candidates) {
        candidates.forEach(function (c) {
          most = Math.max(most, self.terms[c[0]].df || 0);
        });
      });
      expected *= most / self.docs;
    });
    return Math.round(expected);
  };

  /* `n` to two significant figures: what "about" a count says. */
  function about(n) {
    if (n < 100) {
      return n;
    }
    var scale = Math.pow(10, String(n).length - 2);
    return Math.round(n / scale) * scale;
  }

  /* The engine over files read by load(path) -> Promise of parsed JSON or null; paths are
     relative to the folder holding search/. Repeats src/search/query.rs step by step. */
  function createSearcher(load) {
    var manifest = null;
    var cues = null;
    var cache = {};
    var loaded = [];

    function file(rel) {
      if (!has(cache, rel)) {
        cache[rel] = Promise.resolve(load("search/" + rel, manifest && manifest.build)).then(function (value) {
          loaded.push("search/" + rel);
          return value;
        });
      }
      return cache[rel];
    }

    var opening = null;

    /* The manifest, and beside it (at once, not after it) the synonym table that every
       query with a word needs first. */
    function open() {
      if (manifest) {
        return Promise.resolve(manifest);
      }
      if (opening) {
        return opening;
      }
      var synonyms = file("synonyms.json");
      opening = file("index.json").then(function (value) {
        if (!value || value.format !== FORMAT) {
          throw new Error("the search index is missing or of another version");
        }
        return synonyms.then(function () {
          manifest = value;
          cues = {};
          (manifest.cues || []).forEach(function (cue) {
            cues[cue[0].join(" ")] = cue[1];
          });
          return manifest;
        });
      }).catch(function (error) {
        delete cache["index.json"];
        delete cache["synonyms.json"];
        opening = null;
        throw error;
      });
      return opening;
    }

    var vocabularies = {};

    /* The terms of one vocabulary shard, read once per searcher: a digit shard of a large
       site holds tens of thousands. */
    /* The vocabulary shard a word is looked up in: that of its first character, or where
       that shard is split, that of its first two (src/search/vocab.rs). */
    function vocabKey(word) {
      var first = shardKey(word);
      return has(manifest.vocab_split, first) ? first + secondKey(word) : first;
    }

    function vocabulary(key) {
      var split = has(manifest.vocab_split, key.charAt(0)) ? manifest.vocab_split[key.charAt(0)] : null;
      var known = key.length === 1
        ? typeof split !== "string" && manifest.vocab.indexOf(key) !== -1
        : typeof split === "string" && split.indexOf(key.charAt(1)) !== -1;
      if (!known) {
        return Promise.resolve([]);
      }
      if (!has(vocabularies, key)) {
        vocabularies[key] = readVocabulary(key);
      }
      return vocabularies[key];
    }

    /* Every term beginning with `first`, each once (in its own sub-shard). */
    function letter(first) {
      var split = has(manifest.vocab_split, first) ? manifest.vocab_split[first] : null;
      if (typeof split !== "string") {
        return vocabulary(first);
      }
      return Promise.all(split.split("").map(function (second) {
        return vocabulary(first + second);
      })).then(function (lists) {
        var all = [];
        lists.forEach(function (list) {
          list.forEach(function (v) {
            if (v.own) {
              all.push(v);
            }
          });
        });
        return all;
      });
    }

    function readVocabulary(key) {
      return file("vocab/" + key + ".json").then(function (shard) {
        var list = [];
        if (shard && Array.isArray(shard.terms)) {
          var own = typeof shard.own === "number" ? shard.own : Infinity;
          for (var i = 0; i < shard.terms.length; i++) {
            var stem = (shard.stems && shard.stems[i]) || "";
            list.push({
              term: shard.terms[i],
              df: (shard.df && shard.df[i]) || 0,
              groups: (shard.groups && shard.groups[i]) || 0,
              stem: stem || shard.terms[i],
              own: i < own
            });
          }
        }
        return list;
      });
    }

    /* The query's slots in order, as Searcher::slots: left to right, the longer of a cue
       and a synonym phrase at each word, a synonym phrase of two words or more on a tie. */
    function slots(query) {
      var raw = rawWords(fold(query));
      var found = [];
      var cueWords = manifest.cue_words || 1;
      var kept = [];
      raw.forEach(function (w, at) {
        if (keep(w)) {
          kept.push(at);
        }
      });
      return file("synonyms.json").then(function (table) {
        table = table || {};
        var expand = table.expand || {};
        var longestPhrase = table.longest || 1;
        var i = 0;
        while (i < raw.length) {
          var cue = null;
          for (var len = Math.min(cueWords, raw.length - i); len >= 1; len--) {
            var cueKey = raw.slice(i, i + len).map(singular).join(" ");
            if (has(cues, cueKey)) {
              cue = [len, cues[cueKey]];
              break;
            }
          }
          var synonym = null;
          var at = kept.indexOf(i);
          if (at !== -1) {
            for (var n = Math.min(longestPhrase, kept.length - at); n >= 1; n--) {
              var positions = kept.slice(at, at + n);
              var key = positions.map(function (p) { return singular(raw[p]); }).join(" ");
              if (has(expand, key) && Array.isArray(expand[key])) {
                synonym = [positions, expand[key]];
                break;
              }
            }
          }
          var cueLen = cue ? cue[0] : 0;
          var synonymWins = synonym !== null && (cue === null ||
            (synonym[0].length > 1 && synonym[0][synonym[0].length - 1] - i + 1 >= cueLen));
          if (synonymWins) {
            found.push([i, {
              words: synonym[0].map(function (p) { return raw[p]; }),
              synonyms: synonym[1].map(function (p) { return p.split(" "); }),
              types: []
            }]);
            i = synonym[0][synonym[0].length - 1] + 1;
          } else if (cue) {
            found.push([i, { words: raw.slice(i, i + cue[0]).filter(keep), synonyms: [], types: [TYPE_PREFIX + cue[1]] }]);
            i += cue[0];
          } else {
            if (keep(raw[i])) {
              found.push([i, { words: [raw[i]], synonyms: [], types: [] }]);
            }
            i += 1;
          }
        }
        found.sort(function (x, y) { return x[0] - y[0]; });
        var result = [];
        var seen = [];
        var total = 0;
        for (var f = 0; f < found.length; f++) {
          var slot = found[f][1];
          slot.words = slot.words.filter(function (w) { return seen.indexOf(w) === -1; });
          if (!slot.words.length && !slot.types.length) {
            continue;
          }
          var weight = Math.max(slot.words.length, 1);
          if (total + weight > MAX_QUERY_TERMS) {
            break;
          }
          total += weight;
          seen = seen.concat(slot.words);
          result.push(slot);
        }
        return result;
      });
    }

    /* The terms a typed word may stand for, best first, as Searcher::candidates. */
    function candidates(word) {
      var typos = allowedTypos(word);
      var first = shardKey(word);
      var key = vocabKey(word);
      var wordChars = Array.from(word).length;
      var exactStem = null;
      return vocabulary(key).then(function (words) {
        for (var i = 0; i < words.length; i++) {
          if (words[i].term === word) {
            exactStem = words[i].stem;
            break;
          }
        }
        // The other inflections of a known word are where its stem is.
        if (exactStem !== null) {
          if (exactStem.indexOf(first) !== 0) {
            return letter(first);
          }
          if (vocabKey(exactStem) !== key) {
            return vocabulary(vocabKey(exactStem)).then(function (more) { return words.concat(more); });
          }
        }
        return words;
      }).then(function (words) {
        function stemOfWord(v) {
          if (exactStem !== null) {
            return v.stem === exactStem;
          }
          var chars = Array.from(v.stem).length;
          return chars >= STEM_MIN_CHARS && word.indexOf(v.stem) === 0 && wordChars - chars <= STEM_SUFFIX_CHARS;
        }
        var stemmed = exactStem !== null || words.some(stemOfWord);
        var secondChar = Array.from(word)[1];
        var second = secondChar === undefined ? first : shardKey(secondChar);
        // A slip in the first letter moves the word to another shard: every term of the
        // first letter and of the second, but only when neither the word nor its stem is known.
        var more = Promise.resolve(words);
        if (!stemmed && typos > 0) {
          more = letter(first).then(function (all) {
            return second !== first ? letter(second).then(function (extra) { return all.concat(extra); }) : all;
          });
        }
        return more.then(function (listed) {
          var seen = {};
          var all = listed.filter(function (v) {
            if (has(seen, v.term)) {
              return false;
            }
            seen[v.term] = true;
            return true;
          });
          var longEnough = wordChars >= 3;
          var found = [];
          for (var i = 0; i < all.length; i++) {
            var v = all[i];
            var quality;
            if (v.term === word) {
              quality = EXACT;
            } else if (stemOfWord(v)) {
              quality = STEM;
            } else if (longEnough && v.term.indexOf(word) === 0) {
              quality = PREFIX;
            } else if (!stemmed && typos > 0) {
              var d = typoDistance(word, v.term, typos);
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
            found.push({ term: v.term, quality: quality, df: v.df, groups: v.groups });
          }
          found.sort(function (x, y) {
            return y.quality - x.quality || y.df - x.df || (x.term < y.term ? -1 : x.term > y.term ? 1 : 0);
          });
          return found.slice(0, MAX_CANDIDATES);
        });
      });
    }

    /* The terms whose stem is a synonym word's shipped stem, most common first, as
       Searcher::stem_candidates. */
    function stemCandidates(stem) {
      return vocabulary(vocabKey(stem)).then(function (words) {
        var found = words.filter(function (v) { return v.stem === stem; });
        found.sort(function (x, y) {
          return y.df - x.df || (x.term < y.term ? -1 : x.term > y.term ? 1 : 0);
        });
        return found.slice(0, MAX_CANDIDATES).map(function (v) {
          return { term: v.term, quality: EXACT, df: v.df, groups: v.groups };
        });
      });
    }

    /* A term's documents in one field group, encoded, from the posting shard of its tier
       (the groups whose lists share a shard: question, topic and heading together). */
    function postings(term, level) {
      var tiers = manifest.tiers || [];
      var tier = -1, at = -1;
      for (var t = 0; t < tiers.length && tier < 0; t++) {
        at = Array.isArray(tiers[t]) ? tiers[t].indexOf(level) : -1;
        if (at !== -1) {
          tier = t;
        }
      }
      var firsts = (tier >= 0 && (manifest.postings || [])[tier]) || [];
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
      return file("postings/" + tier + "/" + (lo - 1) + ".json").then(function (shard) {
        return has(shard, term) && Array.isArray(shard[term]) && at < shard[term].length ? shard[term][at] : null;
      });
    }

    /* The plan of a query: its slots' ways as candidate terms, as Searcher::search. */
    function plan(found, corrections) {
      var p = new Plan(manifest.docs, manifest.weights);
      function add(c) {
        return [p.term(c.term, c.df, c.groups), c.quality];
      }
      // Every vocabulary shard the words and synonyms need, fetched at once and first: the
      // plan needs them, the postings below only once it is made (a browser sends six
      // requests at a time to a host over HTTP/1).
      var keys = [];
      found.forEach(function (slot) {
        slot.words.forEach(function (w) { keys.push(vocabKey(w)); });
        slot.synonyms.forEach(function (phrase) {
          phrase.forEach(function (t) { keys.push(vocabKey(t)); });
        });
      });
      var shards = keys.map(vocabulary);
      // With them, the first tier's shard of each word as typed (as Searcher::search): its
      // question, topic and heading lists. Most words are their own best candidate, and
      // this saves a round trip; a query of several words ranks first the articles holding
      // all of them, which are mostly found in headings.
      var early = [];
      found.forEach(function (slot) {
        slot.words.forEach(function (w) { early.push(postings(w, 0)); });
        // And that of each synonym's words and question type, all but certain to be read.
        slot.synonyms.forEach(function (phrase) {
          phrase.forEach(function (t) { early.push(postings(t, 0)); });
        });
        slot.types.forEach(function (kind) { early.push(postings(kind, 0)); });
      });
      // Read when the levels are (a failure is reported there); the plan is made meanwhile.
      early.forEach(function (list) { list.catch(function () {}); });
      return Promise.all(shards).then(function () {
        return found.reduce(function (done, slot) {
          return done.then(function () {
            var planned = { weight: Math.max(slot.words.length, 1), words: [], synonyms: [], types: [] };
            p.slots.push(planned);
            return slot.words.reduce(function (before, word) {
              return before.then(function () {
                return candidates(word).then(function (list) {
                  if (list.length && list[0].quality < PREFIX) {
                    corrections.push({ typed: word, readAs: list[0].term });
                  }
                  planned.words.push(list.map(add));
                });
              });
            }, Promise.resolve()).then(function () {
              return Promise.all(slot.synonyms.map(function (phrase) {
                return Promise.all(phrase.map(stemCandidates));
              }));
            }).then(function (phrases) {
              phrases.forEach(function (phrase) {
                planned.synonyms.push(phrase.map(function (list) { return list.map(add); }));
              });
              slot.types.forEach(function (kind) {
                // Question-type tags are on the question group alone.
                planned.types.push([[p.term(kind, null, 1), TYPE]]);
              });
            });
          });
        }, Promise.resolve());
      }).then(function () { return p; });
    }

    /* Reads the plan's levels, each for every term at once, until the results are certain. */
    function settle(p, limit) {
      var level = p.nextLevel();
      if (level < 0) {
        return Promise.resolve(p.decide(limit) || { hits: [], total: 0, exact: true });
      }
      var terms = p.termsAt(level);
      return Promise.all(terms.map(function (t) { return postings(p.terms[t].term, level); })).then(function (lists) {
        // Where a list names a good part of the site (a bitmap), the level for the site's
        // first documents, then, if that did not settle the results, for the rest (as
        // Searcher::search).
        // Not where a short list names none of the first documents: the best results,
        // those holding its term too, are then further on ("case 51234").
        var dense = lists.some(function (list) { return typeof list === "string"; });
        var upto = dense ? p.prefixFor(level) : 0;
        var shortPast = lists.some(function (list) { return Array.isArray(list) && list.length > 0 && list[0] >= upto; });
        upto = shortPast ? 0 : upto;
        if (upto > 0) {
          // Each bitmap decoded once for both passes.
          lists = lists.map(function (list) { return typeof list === "string" ? unbase64(list) : list; });
          p.beginPartial(level, upto);
          terms.forEach(function (t, i) { p.read(t, level, lists[i], 0, upto); });
          var early = p.decide(limit);
          if (early) {
            return early;
          }
        }
        terms.forEach(function (t, i) { p.read(t, level, lists[i], upto); });
        p.finishLevel(level);
        return p.decide(limit) || settle(p, limit);
      });
    }

    /* The best `limit` results: {ranked: [{doc, score, matched, terms}], total, exact,
       corrections, recorded}; `total` is exact when `exact`, else about (two figures);
       `recorded`, the posting entries read (as Results::recorded). */
    function rank(query, limit) {
      var corrections = [];
      var planned = null;
      return open().then(function () {
        return slots(query);
      }).then(function (found) {
        return plan(found, corrections);
      }).then(function (p) {
        planned = p;
        return settle(p, limit);
      }).then(function (outcome) {
        var ranked = outcome.hits.map(function (h) {
          var terms = [];
          h.terms.forEach(function (t) {
            if (terms.indexOf(t) === -1) {
              terms.push(t);
            }
          });
          return { doc: h.doc, score: h.score, matched: h.matched, terms: terms };
        });
        return { ranked: ranked, total: outcome.total, exact: outcome.exact, limit: limit, corrections: corrections,
          recorded: planned.recorded };
      });
    }

    /* The rows of the given documents: {doc, slug, question, status, url, topic, excerpt}. */
    function rows(docs) {
      return Promise.all(eachRow(docs));
    }

    /* The row of each of the given documents, each a promise of its own: a page can show
       the first result while the shard of the tenth is still coming. */
    function eachRow(docs) {
      var per = manifest.docs_per_shard;
      return docs.map(function (doc) {
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
            topic: topic,
            excerpt: row[4] || ""
          };
        });
      });
    }

    /* Ranking and the first `limit` rows, as the reference implementation returns them. */
    function search(query, limit) {
      return rank(query, limit).then(function (result) {
        var top = result.ranked;
        return rows(top.map(function (r) { return r.doc; })).then(function (list) {
          list.forEach(function (row, i) {
            row.score = top[i].score;
            row.matched = top[i].matched;
            row.terms = top[i].terms;
          });
          return { hits: list, total: result.total, exact: result.exact, corrections: result.corrections,
            loaded: loaded.slice(), recorded: result.recorded };
        });
      });
    }

    /* When nothing matches: the questions nearest in spelling, by the first four letters
       of each word read as words still being typed. */
    function nearest(query, limit) {
      var stubs = terms(query).map(function (t) { return Array.from(t).slice(0, 4).join(""); });
      if (!stubs.length) {
        return Promise.resolve([]);
      }
      return search(stubs.join(" "), limit).then(function (result) { return result.hits; });
    }

    return { open: open, rank: rank, rows: rows, eachRow: eachRow, search: search, nearest: nearest, loaded: loaded };
  }

  /* The excerpt of `text` a result shows: about `max` characters around the first matched
     word, as [{text, mark}] segments, the words that are a `matched` term (either number)
     marked. */
  function excerpt(text, matched, max) {
    var wanted = matched.map(singular);
    var words = [];
    var re = /[\p{Alphabetic}\p{N}]+/gu;
    var m;
    while ((m = re.exec(text)) !== null) {
      words.push({ start: m.index, end: m.index + m[0].length, mark: wanted.indexOf(singular(fold(m[0]))) !== -1 });
    }
    var firstMark = -1;
    for (var i = 0; i < words.length; i++) {
      if (words[i].mark) {
        firstMark = i;
        break;
      }
    }
    var from = 0;
    if (firstMark > 0) {
      // Start a few words before the first match, at a word.
      var back = Math.max(0, firstMark - 6);
      from = words[back].start;
    }
    var to = Math.min(text.length, from + max);
    if (to < text.length) {
      for (var w = words.length - 1; w >= 0; w--) {
        if (words[w].end <= to) {
          to = words[w].end;
          break;
        }
      }
    }
    var segments = [];
    if (from > 0) {
      segments.push({ text: "\u2026 ", mark: false });
    }
    var at = from;
    words.forEach(function (word) {
      if (!word.mark || word.start < from || word.end > to) {
        return;
      }
      if (word.start > at) {
        segments.push({ text: text.slice(at, word.start), mark: false });
      }
      segments.push({ text: text.slice(word.start, word.end), mark: true });
      at = word.end;
    });
    if (at < to) {
      segments.push({ text: text.slice(at, to), mark: false });
    }
    if (to < text.length && !/\u2026$/.test(text.slice(0, to))) {
      segments.push({ text: " \u2026", mark: false });
    }
    return segments;
  }

  var engine = {
    fold: fold,
    terms: terms,
    singular: singular,
    typoDistance: typoDistance,
    decodePostings: decodePostings,
    excerpt: excerpt,
    createSearcher: createSearcher
  };

  if (typeof module === "object" && module.exports) {
    module.exports = engine;
    return;
  }

  /* ---------- The search page ---------- */

  /* A count with thousands separated by commas, as toLocaleString("en") writes it, without
     loading the browser's number formats on a query's way to its first result. */
  function thousands(n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  }
  var PAGE = 10;
  /* Characters of the answer a result quotes. */
  var EXCERPT_SHOWN = 180;

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
      if (row.excerpt) {
        var quote = document.createElement("p");
        quote.className = "qitem__excerpt";
        excerpt(row.excerpt, row.terms || [], EXCERPT_SHOWN).forEach(function (segment) {
          if (segment.mark) {
            var mark = document.createElement("mark");
            mark.textContent = segment.text;
            quote.appendChild(mark);
          } else {
            quote.appendChild(document.createTextNode(segment.text));
          }
        });
        li.appendChild(quote);
      }
      return li;
    }

    /* "No results": the questions nearest in spelling, then the topics below. */
    function suggest(query, ticket) {
      searcher.nearest(query, 5).then(function (hits) {
        if (ticket !== latest || !hits.length) {
          return;
        }
        var heading = document.createElement("h2");
        heading.className = "search-results__nearest";
        heading.textContent = "Nearest questions";
        results.appendChild(heading);
        var list = document.createElement("ul");
        list.className = "qlist search-results__list";
        hits.forEach(function (row) { list.appendChild(item(row)); });
        results.appendChild(list);
      }, function () {});
    }

    function show(query, result, ticket) {
      results.textContent = "";
      if (!result.ranked.length) {
        say("No questions match \u201c" + query + "\u201d. Try other words, see the nearest questions, or browse the topics below.");
        suggest(query, ticket);
        return;
      }
      var note = result.corrections.length
        ? " (read " + result.corrections.map(function (c) { return c.typed + " as " + c.readAs; }).join(", ") + ")"
        : "";
      var count = thousands(result.total);
      var matches = result.exact
        ? count + (result.total === 1 ? " question matches" : " questions match")
        : "About " + count + " questions match";
      say(matches + " \u201c" + query + "\u201d" + note + ".");
      var list = document.createElement("ol");
      list.className = "qlist search-results__list";
      results.appendChild(list);
      var more = document.createElement("button");
      more.type = "button";
      more.className = "search-more";
      var shown = 0;
      var current = result;

      /* The next page: ranked further only when the reader asks for it. */
      function next() {
        more.disabled = true;
        var want = shown + PAGE;
        var whole = current.ranked.length < current.limit;
        var ready = whole || current.ranked.length >= want ? Promise.resolve(current) : searcher.rank(query, want);
        return ready.then(function (ranking) {
          current = ranking;
          var ranked = ranking.ranked.slice(shown, want);
          // Each row goes in as soon as it and the rows above it are in hand. The first
          // row's shard is asked for alone, the others once that row is on screen: on a
          // phone each request costs the page several milliseconds of script (ten of
          // them 30-60 ms at a 4x slowdown), which the first row would otherwise wait for.
          var docs = ranked.map(function (r) { return r.doc; });
          var pending = searcher.eachRow(docs.slice(0, 1));
          var firstDrawn = null;
          var others = new Promise(function (resolve) {
            firstDrawn = function (wanted) {
              if (!wanted) {
                resolve([]);
                return;
              }
              // After the frame that shows it, or soon in a page that draws no frames.
              var asked = false;
              var go = function () {
                if (!asked) {
                  asked = true;
                  resolve(searcher.eachRow(docs.slice(1)));
                }
              };
              window.setTimeout(go, 100);
              window.requestAnimationFrame(function () { window.setTimeout(go, 0); });
            };
          });
          docs.slice(1).forEach(function (doc, i) {
            pending.push(others.then(function (rows) { return rows[i]; }));
          });
          return pending.reduce(function (before, row, i) {
            return before.then(function (stillShown) {
              return row.then(function (loaded) {
                if (!stillShown || ticket !== latest) {
                  if (i === 0) {
                    firstDrawn(false);
                  }
                  return false;
                }
                loaded.terms = ranked[i].terms;
                list.appendChild(item(loaded));
                if (i === 0) {
                  firstDrawn(true);
                }
                return true;
              });
            });
          }, Promise.resolve(true)).then(function (stillShown) {
            return stillShown && ticket === latest ? ranked.length : null;
          });
        }).then(function (added) {
          if (added === null) {
            return;
          }
          var first = list.children[shown];
          shown += added;
          more.disabled = false;
          var left = current.exact ? current.total - shown : 0;
          var moreToRank = !current.exact && current.ranked.length >= current.limit;
          if (current.ranked.length > shown || left > 0 || moreToRank) {
            more.textContent = left > 0 ? "Show more results (" + thousands(left) + " more)" : "Show more results";
          } else {
            more.remove();
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
      searcher.rank(query, PAGE).then(function (result) {
        if (ticket === latest) {
          // The first row is on its way before the page is redrawn.
          searcher.eachRow(result.ranked.slice(0, 1).map(function (r) { return r.doc; }));
          show(query, result, ticket);
        }
      }, function () {
        if (ticket === latest) {
          say("Search is unavailable: its index could not be loaded. Browse the topics below.");
        }
      });
    }

    /* Arrow keys move between the input and the results' questions; Escape goes back. */
    function links() {
      return Array.prototype.slice.call(results.querySelectorAll("a.qitem__question"));
    }
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") {
        var all = links();
        if (all.length) {
          event.preventDefault();
          all[0].focus();
        }
      }
    });
    results.addEventListener("keydown", function (event) {
      var all = links();
      var at = all.indexOf(document.activeElement);
      if (event.key === "Escape") {
        event.preventDefault();
        input.focus();
      } else if (at !== -1 && event.key === "ArrowDown" && at + 1 < all.length) {
        event.preventDefault();
        all[at + 1].focus();
      } else if (at !== -1 && event.key === "ArrowUp") {
        event.preventDefault();
        (at === 0 ? input : all[at - 1]).focus();
      }
    });

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      window.clearTimeout(timer);
      run(input.value);
    });
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { run(input.value); }, 200);
    });

    // The manifest and synonyms are needed by any query: fetched as the page opens, so
    // that a query typed here starts from the vocabulary.
    searcher.open().catch(function () {});
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
