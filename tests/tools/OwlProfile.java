// Checks ontology files against OWL 2 profiles with the OWL API's own profile checkers (Debian's
// libowlapi-java). Usage: java -cp "/usr/share/java/*" OwlProfile.java RL,DL FILE...
// Prints, per file and profile, one line per violation ("VIOLATION\t<file>\t<profile>\t<type>\t<text>")
// and "CHECKED\t<file>\t<profile>\t<count>".
import java.io.File;
import java.util.List;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.model.OWLOntology;
import org.semanticweb.owlapi.profiles.OWL2DLProfile;
import org.semanticweb.owlapi.profiles.OWL2ELProfile;
import org.semanticweb.owlapi.profiles.OWL2QLProfile;
import org.semanticweb.owlapi.profiles.OWL2RLProfile;
import org.semanticweb.owlapi.profiles.OWLProfile;
import org.semanticweb.owlapi.profiles.OWLProfileViolation;

public class OwlProfile {
    static OWLProfile profile(String name) {
        return switch (name) {
            case "DL" -> new OWL2DLProfile();
            case "EL" -> new OWL2ELProfile();
            case "QL" -> new OWL2QLProfile();
            case "RL" -> new OWL2RLProfile();
            default -> throw new IllegalArgumentException("unknown profile " + name + " (RL, DL, EL, QL)");
        };
    }

    public static void main(String[] args) throws Exception {
        String[] profiles = args[0].split(",");
        for (int i = 1; i < args.length; i++) {
            OWLOntology ontology = OWLManager.createOWLOntologyManager()
                .loadOntologyFromOntologyDocument(new File(args[i]));
            for (String name : profiles) {
                List<OWLProfileViolation> violations = profile(name).checkOntology(ontology).getViolations();
                for (OWLProfileViolation v : violations) {
                    System.out.println("VIOLATION\t" + args[i] + "\t" + name + "\t" + v.getClass().getSimpleName()
                        + "\t" + v.toString().replace('\n', ' '));
                }
                System.out.println("CHECKED\t" + args[i] + "\t" + name + "\t" + violations.size());
            }
        }
    }
}
