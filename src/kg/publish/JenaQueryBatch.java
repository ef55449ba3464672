// Many SPARQL queries over one TDB2 database in one JVM (Jena's own commands take one query
// per start, and a start costs about a second). Used by kg.engines.jena.Jena.query_batch.
//
// java -cp CLASSPATH JenaQueryBatch TDB2_DIR OUT_DIR QUERY.rq...
//
// Each QUERY.rq is parsed as strict SPARQL 1.1 (no ARQ extensions) and answered inside a read
// transaction; its answer is written to OUT_DIR/QUERY.srj (SPARQL 1.1 Query Results JSON).
// One line per query on standard output: "name<TAB>seconds" (parse, evaluate, write the
// whole answer) or "name<TAB>error<TAB>message". With -Dkg.rounds=N the whole list is answered
// N times and the last round reported (a warm JVM, as in a long-running server).
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.jena.query.Dataset;
import org.apache.jena.query.Query;
import org.apache.jena.query.QueryExecution;
import org.apache.jena.query.QueryExecutionFactory;
import org.apache.jena.query.QueryFactory;
import org.apache.jena.query.ResultSetFormatter;
import org.apache.jena.query.Syntax;
import org.apache.jena.system.Txn;
import org.apache.jena.tdb2.TDB2Factory;

public class JenaQueryBatch {
    public static void main(String[] args) throws Exception {
        Dataset dataset = TDB2Factory.connectDataset(args[0]);
        Path out = Path.of(args[1]);
        int rounds = Integer.getInteger("kg.rounds", 1);
        for (int round = 1; round <= rounds; round++) {
            answer(dataset, out, args, round == rounds);
        }
    }

    static void answer(Dataset dataset, Path out, String[] args, boolean report) throws Exception {
        for (int i = 2; i < args.length; i++) {
            Path file = Path.of(args[i]);
            String name = file.getFileName().toString().replaceFirst("\\.rq$", "");
            long started = System.nanoTime();
            try {
                Query query = QueryFactory.create(Files.readString(file), Syntax.syntaxSPARQL_11);
                try (OutputStream answer = Files.newOutputStream(out.resolve(name + ".srj"))) {
                    Txn.executeRead(dataset, () -> {
                        try (QueryExecution execution = QueryExecutionFactory.create(query, dataset)) {
                            if (query.isAskType()) {
                                ResultSetFormatter.outputAsJSON(answer, execution.execAsk());
                            } else {
                                ResultSetFormatter.outputAsJSON(answer, execution.execSelect());
                            }
                        }
                    });
                }
                if (report) {
                    System.out.println(name + "\t" + (System.nanoTime() - started) / 1e9);
                }
            } catch (Exception e) {
                if (report) {
                    System.out.println(name + "\terror\t" + String.valueOf(e).replace('\n', ' ').replace('\t', ' '));
                }
            }
        }
    }
}
